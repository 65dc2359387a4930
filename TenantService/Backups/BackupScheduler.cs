namespace TenantService.Backups;

/// <summary>Runs a <see cref="BackupPass"/> every <see cref="BackupOptions.Interval"/>; a pass that fails is logged and the next one runs on time.</summary>
internal sealed partial class BackupScheduler(BackupPass pass, BackupOptions options, TimeProvider time, ILogger<BackupScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await pass.RunAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogPassFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A snapshot pass failed; the next one runs at the next interval.")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}

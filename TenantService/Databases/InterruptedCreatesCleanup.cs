namespace TenantService.Databases;

/// <summary>
/// At start, deletes on their backends the databases that creates interrupted by a crash (or by a backend that stopped
/// answering) left there without a record. In the background: a backend that is down must not hold the start up.
/// </summary>
internal sealed class InterruptedCreatesCleanup(BackendDatabases databases) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await databases.ClearAllInterruptedAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

namespace TenantService.Backups;

/// <summary>At start, after reconciliation: lifts the write blocks of restores a crash interrupted.</summary>
internal sealed class RestoreRecovery(BackupRestorer restorer) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => restorer.RecoverAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

namespace TenantService.Migrations;

/// <summary>Carries on, at start, with the jobs a previous run of the service left unfinished (a crash, a kill, a deploy).</summary>
internal sealed class MigrationResumer(MigrationRunner runner) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        runner.Resume();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

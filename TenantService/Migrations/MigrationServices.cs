using TenantService.Catalog;
using TenantService.Databases;

namespace TenantService.Migrations;

/// <summary>What the migrations API's handlers need, bound with <c>[AsParameters]</c>.</summary>
internal sealed record MigrationServices(MigrationRunner Runner, DatabaseCatalog Catalog)
{
    public MigrationJobView View(MigrationJob job) => new(
        job.Id,
        job.Status.ToString(),
        job.Error,
        Runner.QueuedBehind(job),
        job.TargetVersion,
        Runner.Progress(job).Select(task => new MigrationTaskView(task.Database.Value, task.Status.ToString(), task.Error)).ToList());
}

using Tenancy.Databases;

namespace TenantService.Migrations;

/// <summary>
/// One migration of a schema database and its children, as recorded in platform.db.
/// <paramref name="TargetVersion"/> is fixed when the job starts (the schema's version + 1) unless the
/// submitter fixed it up front (built-in schema files); <paramref name="StartedAt"/> is null while queued.
/// <paramref name="SchemaId"/> is the schema database's DbId: a later database of the same name has none of these jobs.
/// </summary>
internal sealed record MigrationJob(
    long Id,
    DatabaseName Schema,
    Guid SchemaId,
    string Sql,
    bool DryRun,
    MigrationLockMode Lock,
    long? TargetVersion,
    MigrationJobStatus Status,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt)
{
    /// <summary>True once nothing more will happen to the job without a retry.</summary>
    public bool IsFinished => IsFinal(Status, DryRun);

    public static bool IsFinal(MigrationJobStatus status, bool dryRun) => status switch
    {
        MigrationJobStatus.DryRunFailure or MigrationJobStatus.RunSuccess or MigrationJobStatus.RunFailure => true,
        MigrationJobStatus.DryRunSuccess => dryRun,
        _ => false,
    };
}

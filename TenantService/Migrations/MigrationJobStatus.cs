namespace TenantService.Migrations;

/// <summary>Where a migration job is; the names are the wire values of libSQL's schema migrations.</summary>
internal enum MigrationJobStatus
{
    /// <summary>Queued behind another job of its schema, or dry-running.</summary>
    WaitingDryRun,

    /// <summary>The dry run passed everywhere; final for a <c>dry_run</c> job.</summary>
    DryRunSuccess,

    /// <summary>The dry run failed somewhere; nothing was changed anywhere.</summary>
    DryRunFailure,

    /// <summary>Applying to the children, then the schema database.</summary>
    WaitingRun,

    /// <summary>Every child and the schema database are at the new version.</summary>
    RunSuccess,

    /// <summary>Some children could not be migrated; the schema database was not changed. Retry re-runs the failed tasks.</summary>
    RunFailure,
}

/// <summary>Where one database's task is within its job; the names are the wire values in <c>progress</c>.</summary>
internal enum MigrationTaskStatus
{
    Enqueued,
    DryRunSuccess,
    DryRunFailure,
    Run,
    Success,
    Failure,
}

/// <summary>How long children are write-blocked during a job.</summary>
internal enum MigrationLockMode
{
    /// <summary>A child is write-blocked only while its own task runs.</summary>
    Rolling,

    /// <summary>Every child is write-blocked from the dry run until the job ends.</summary>
    All,
}

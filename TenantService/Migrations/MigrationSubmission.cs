using Tenancy.Databases;

namespace TenantService.Migrations;

/// <summary>How a submission ended.</summary>
internal enum MigrationSubmissionOutcome
{
    Accepted,
    SchemaNotFound,
    NotASchema,

    /// <summary>An earlier job failed in its run phase; it holds the schema until it is retried.</summary>
    HeldByFailedJob,
}

/// <summary>How a submission ended: the new job, or what stood in the way.</summary>
internal sealed record MigrationSubmission(
    MigrationSubmissionOutcome Outcome,
    MigrationJob? Job = null,
    DatabaseKind? Kind = null,
    long? FailedJobId = null);

/// <summary>How a retry ended.</summary>
internal enum MigrationRetryOutcome
{
    Retrying,
    NotFound,

    /// <summary>Only a <see cref="MigrationJobStatus.RunFailure"/> job can be retried.</summary>
    NotRunFailure,
}

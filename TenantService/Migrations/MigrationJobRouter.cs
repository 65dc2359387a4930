using TenantService.Hrana;

namespace TenantService.Migrations;

/// <summary>
/// A write or schema change sent to a schema database over libSQL becomes a migration job (rolling lock), and the
/// statement is answered when the job ends: applied everywhere, or refused with the job's error.
/// </summary>
internal sealed class MigrationJobRouter(MigrationRunner runner, PlatformOptions options) : ISchemaChangeRouter
{
    public async ValueTask<SchemaWriteOutcome> RouteAsync(SchemaWrite write, CancellationToken cancellationToken)
    {
        var schema = write.Schema;
        if (write.Args.Count > 0 || write.NamedArgs.Count > 0)
        {
            // A job stores SQL text that every database runs later; bound values have nowhere to live.
            return SchemaWriteOutcome.Refused(
                $"'{schema}' is a schema database: a statement sent to it is a migration, and migrations take no bound arguments. Write the values into the SQL.");
        }

        if (MigrationScript.TryParse(write.Sql, out var problem) is not { } script)
        {
            return SchemaWriteOutcome.Refused($"'{schema}' is a schema database and its writes are migrations: {problem}");
        }

        var submission = runner.Submit(schema, script, dryRun: false, MigrationLockMode.Rolling);
        if (submission.Job is not { } job)
        {
            return SchemaWriteOutcome.Refused(submission.Outcome == MigrationSubmissionOutcome.HeldByFailedJob
                ? $"'{schema}' is held by migration job {submission.FailedJobId}, which failed in its run phase: fix it and POST /v1/organizations/{options.Organization}/databases/{schema}/jobs/{submission.FailedJobId}/retry first."
                : $"'{schema}' is not a schema database any more ({submission.Outcome}).");
        }

        var finished = await runner.WaitAsync(job.Id, cancellationToken);
        return finished is { Status: MigrationJobStatus.RunSuccess }
            ? SchemaWriteOutcome.Applied(0)
            : SchemaWriteOutcome.Refused($"migration job {job.Id} on '{schema}' ended {finished?.Status}: {finished?.Error}");
    }
}

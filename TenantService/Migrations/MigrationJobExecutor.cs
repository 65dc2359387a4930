using System.Collections.Concurrent;
using System.Diagnostics;
using Polly;
using Polly.Retry;
using Tenancy.Databases;
using Tenancy.Metadata;
using TenantService.Catalog;
using TenantService.Databases;
using TenantService.Metadata;

namespace TenantService.Migrations;

/// <summary>
/// Carries one job through its phases: the dry run on the schema database and every child (each rolled back), then
/// the run child by child (bounded parallelism, retries, write block per the job's lock mode), then, under the
/// schema's lock, a sweep for children created meanwhile and the schema database last. Task outcomes go to the
/// <see cref="MigrationJournal"/> as they happen, so a job cut short carries on from there.
/// </summary>
internal sealed partial class MigrationJobExecutor(
    MigrationJournal journal,
    DatabaseCatalog catalog,
    IDatabaseMigrator migrator,
    WriteBlocks blocks,
    SchemaChangeLocks schemaLocks,
    ChildTemplates templates,
    MetadataPublisher metadata,
    MigrationOptions options,
    TimeProvider time,
    ILogger<MigrationJobExecutor> logger)
{
    private const int SweepBatch = 256;

    // Redis round trips overlap; thousands of blocks or releases then take a few pipelined moments, not one trip each.
    private static readonly ParallelOptions RedisFanOut = new() { MaxDegreeOfParallelism = 32 };

    private static readonly ResiliencePropertyKey<(long Job, string Database)> RetriedTask = new("migration.task");

    private readonly ConcurrentDictionary<(long Job, string Database), byte> _running = new();

    // A failed or missing database is tried again, up to options.Attempts tries, after RetryBackoff, then twice that, and so on.
    private readonly ResiliencePipeline<DatabaseMigration> _taskRetry = new ResiliencePipelineBuilder<DatabaseMigration> { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions<DatabaseMigration>
        {
            ShouldHandle = new PredicateBuilder<DatabaseMigration>()
                .HandleResult(result => result.Outcome is DatabaseMigrationOutcome.Failed or DatabaseMigrationOutcome.Missing),
            MaxRetryAttempts = options.Attempts - 1,
            Delay = options.RetryBackoff,
            BackoffType = DelayBackoffType.Exponential,
            OnRetry = retry =>
            {
                var (jobId, database) = retry.Context.Properties.GetValue(RetriedTask, default);
                LogTaskRetry(logger, jobId, database, retry.AttemptNumber + 1, retry.Outcome.Result.Error);
                return ValueTask.CompletedTask;
            },
        })
        .Build();

    /// <summary>True while <paramref name="database"/>'s task of job <paramref name="jobId"/> is being applied.</summary>
    public bool IsApplying(long jobId, DatabaseName database) => _running.ContainsKey((jobId, database.Value));

    /// <summary>Runs <paramref name="job"/> from wherever the journal says it is to its end; returns it as finished.</summary>
    public async Task<MigrationJob> RunAsync(MigrationJob job, CancellationToken cancellationToken)
    {
        using var activity = MigrationTelemetry.Source.StartActivity("migration job");
        activity?.SetTag("db.name", job.Schema.Value);
        activity?.SetTag("migration.job_id", job.Id);
        activity?.SetTag("migration.lock", job.Lock.ToString());
        activity?.SetTag("migration.dry_run", job.DryRun);

        if (catalog.Find(job.Schema) is not { Kind: DatabaseKind.Schema } schemaEntry || schemaEntry.DbId != job.SchemaId)
        {
            var status = job.Status == MigrationJobStatus.WaitingDryRun ? MigrationJobStatus.DryRunFailure : MigrationJobStatus.RunFailure;
            return Finish(job, status, $"schema database '{job.Schema}' no longer exists", activity);
        }

        if (job.StartedAt is null)
        {
            var children = catalog.List(new DatabaseFilter(job.Schema, DatabaseKind.Child));
            job = journal.Start(
                job.Id,
                job.TargetVersion ?? schemaEntry.Version + 1,
                children.Select(child => (child.Name, false)).Append((job.Schema, true)));
            LogStarted(logger, job.Id, job.Schema.Value, job.TargetVersion!.Value, children.Count);
        }

        activity?.SetTag("migration.version", job.TargetVersion);
        var steps = new MigrationStepTimes();
        var heldForJob = job.Lock == MigrationLockMode.All ? await BlockAllAsync(job) : [];
        (MigrationJobStatus Status, string? Error) outcome;
        try
        {
            outcome = await RunPhasesAsync(job, schemaEntry, steps, cancellationToken);
        }
        finally
        {
            await Parallel.ForEachAsync(heldForJob, RedisFanOut, async (child, _) =>
            {
                if (catalog.Find(child) is { } current)
                {
                    await blocks.ReleaseAsync(current, "all");
                }
            });
        }

        LogSteps(logger, job.Id, steps.Summary());
        // Only now: whoever waits for the job sees it ended with every write block lifted.
        return Finish(job, outcome.Status, outcome.Error, activity);
    }

    private async Task<(MigrationJobStatus Status, string? Error)> RunPhasesAsync(MigrationJob job, DatabaseEntry schemaEntry, MigrationStepTimes steps, CancellationToken cancellationToken)
    {
        var target = job.TargetVersion!.Value;
        var phaseStarted = time.GetTimestamp();
        if (job.Status == MigrationJobStatus.WaitingDryRun)
        {
            var failures = await DryRunAsync(job, schemaEntry, target, cancellationToken);
            LogPhase(logger, job.Id, "dry run", time.GetElapsedTime(phaseStarted));
            phaseStarted = time.GetTimestamp();
            if (failures.Count > 0)
            {
                return (MigrationJobStatus.DryRunFailure, DryRunError(failures));
            }

            if (job.DryRun)
            {
                return (MigrationJobStatus.DryRunSuccess, null);
            }

            journal.SetStatus(job.Id, MigrationJobStatus.WaitingRun, null, finished: false);
        }

        // The children dry-run last first: they are still open in the connection cache, their writers too.
        var pending = journal.Tasks(job.Id).Where(task => !task.IsSchema && task.Status != MigrationTaskStatus.Success).Reverse().ToList();
        var failed = await RunChildrenAsync(job, pending, late: false, steps, cancellationToken);
        LogPhase(logger, job.Id, "run on the children", time.GetElapsedTime(phaseStarted));
        if (failed.Count == 0)
        {
            phaseStarted = time.GetTimestamp();
            failed = await FinishSchemaAsync(job, target, steps, cancellationToken);
            LogPhase(logger, job.Id, "final sweep and schema database", time.GetElapsedTime(phaseStarted));
        }

        return failed.Count > 0 ? (MigrationJobStatus.RunFailure, RunError(job, failed)) : (MigrationJobStatus.RunSuccess, null);
    }

    /// <summary>The <c>all</c> lock: every child's writes are blocked before the dry run starts.</summary>
    private async Task<List<DatabaseName>> BlockAllAsync(MigrationJob job)
    {
        var children = new ConcurrentBag<DatabaseName>();
        await Parallel.ForEachAsync(journal.Tasks(job.Id).Where(task => !task.IsSchema), RedisFanOut, async (task, _) =>
        {
            if (catalog.Find(task.Database) is { } entry)
            {
                await blocks.BlockAsync(entry);
                children.Add(entry.Name);
            }
        });
        return [.. children];
    }

    private async Task<List<MigrationTask>> DryRunAsync(MigrationJob job, DatabaseEntry schemaEntry, long target, CancellationToken cancellationToken)
    {
        var tasks = journal.Tasks(job.Id).Where(task => task.Status != MigrationTaskStatus.DryRunSuccess).ToList();
        var failures = new ConcurrentBag<MigrationTask>();
        using var recorder = new MigrationTaskRecorder(journal, time);
        await Parallel.ForEachAsync(tasks, Parallelism(cancellationToken), async (task, token) =>
        {
            var entry = task.IsSchema ? schemaEntry : catalog.Find(task.Database);
            var outcome = entry is null
                ? new DatabaseMigration(DatabaseMigrationOutcome.Missing, 0)
                : await MeasureAsync(job, task, "dry_run", () => migrator.DryRunAsync(entry, job.Sql, target, token));
            // A child deleted since the job started needs nothing.
            var passed = outcome.Outcome is DatabaseMigrationOutcome.Applied or DatabaseMigrationOutcome.AlreadyAtVersion
                || (outcome.Outcome == DatabaseMigrationOutcome.Missing && catalog.Find(task.Database) is null);
            var done = task with
            {
                Status = passed ? MigrationTaskStatus.DryRunSuccess : MigrationTaskStatus.DryRunFailure,
                Error = passed ? null : outcome.Error,
            };
            if (!passed)
            {
                failures.Add(done);
            }

            recorder.Add(done);
        });
        return [.. failures.OrderBy(task => task.IsSchema).ThenBy(task => task.Database.Value, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Applies the job to <paramref name="tasks"/> (children), each with retries; returns those that still failed.
    /// <paramref name="late"/> children were created during the job: the <c>all</c> lock never held them, so each is blocked for its own task.
    /// </summary>
    private async Task<List<MigrationTask>> RunChildrenAsync(MigrationJob job, IReadOnlyList<MigrationTask> tasks, bool late, MigrationStepTimes steps, CancellationToken cancellationToken)
    {
        var failures = new ConcurrentBag<MigrationTask>();
        using var recorder = new MigrationTaskRecorder(journal, time);
        await Parallel.ForEachAsync(tasks, Parallelism(cancellationToken), async (task, token) =>
        {
            var done = await RunTaskAsync(job, task, blockOwn: job.Lock == MigrationLockMode.Rolling || late, steps, token);
            if (done.Status == MigrationTaskStatus.Failure)
            {
                failures.Add(done);
            }

            recorder.Add(done);
        });
        return [.. failures.OrderBy(task => task.Database.Value, StringComparer.Ordinal)];
    }

    private async Task<MigrationTask> RunTaskAsync(MigrationJob job, MigrationTask task, bool blockOwn, MigrationStepTimes steps, CancellationToken cancellationToken)
    {
        var target = job.TargetVersion!.Value;
        if (catalog.Find(task.Database) is not { } entry)
        {
            return task with { Status = MigrationTaskStatus.Success, Error = null };
        }

        var rolling = blockOwn && !task.IsSchema;
        if (rolling)
        {
            var opening = time.GetTimestamp();
            await migrator.OpenAheadAsync(entry, cancellationToken);
            var blocking = time.GetTimestamp();
            steps.Add(MigrationStep.Open, time.GetElapsedTime(opening, blocking));
            await blocks.BlockAsync(entry, steps);
            steps.Add(MigrationStep.Block, time.GetElapsedTime(blocking));
        }

        var result = default(DatabaseMigration);
        var attempts = task.Attempts;
        var migrated = false;
        try
        {
            _running[(job.Id, task.Database.Value)] = 0;
            if (options.TaskDelay > TimeSpan.Zero)
            {
                // Test setting only: holds each task open (and its database blocked) long enough to observe or kill it.
                await Task.Delay(options.TaskDelay, time, cancellationToken);
            }

            var retryContext = ResilienceContextPool.Shared.Get(cancellationToken);
            retryContext.Properties.Set(RetriedTask, (job.Id, task.Database.Value));
            try
            {
                var applying = time.GetTimestamp();
                result = await _taskRetry.ExecuteAsync(async _ =>
                {
                    attempts++;
                    return await MeasureAsync(job, task, "run", () => migrator.ApplyAsync(entry, job.Sql, target, cancellationToken));
                }, retryContext);
                if (rolling)
                {
                    steps.Add(MigrationStep.Apply, time.GetElapsedTime(applying));
                }
            }
            finally
            {
                ResilienceContextPool.Shared.Return(retryContext);
            }

            if (result.Outcome is (DatabaseMigrationOutcome.Applied or DatabaseMigrationOutcome.AlreadyAtVersion) && result.Version != entry.Version)
            {
                entry = entry with { Version = checked((int)result.Version) };
                migrated = true;
                if (!rolling)
                {
                    // A rolling child's new version is recorded with its release below: one platform.db commit, not two.
                    catalog.SetVersion(entry.Name, entry.Version);
                    await (job.Lock == MigrationLockMode.All && !task.IsSchema ? blocks.MigratedAsync(entry) : metadata.PublishAsync(entry, TenantEventType.Migrated));
                }
            }
        }
        finally
        {
            _running.TryRemove((job.Id, task.Database.Value), out _);
            if (rolling)
            {
                var releasing = time.GetTimestamp();
                await blocks.ReleaseAsync(entry, "run", recordVersion: migrated, steps);
                steps.Add(MigrationStep.Release, time.GetElapsedTime(releasing));
            }
        }

        return result.Outcome switch
        {
            DatabaseMigrationOutcome.Applied or DatabaseMigrationOutcome.AlreadyAtVersion => task with { Status = MigrationTaskStatus.Success, Error = null, Attempts = attempts },
            // Deleted while its task ran: nothing left to migrate.
            DatabaseMigrationOutcome.Missing when catalog.Find(task.Database) is null => task with { Status = MigrationTaskStatus.Success, Error = null, Attempts = attempts },
            _ => task with { Status = MigrationTaskStatus.Failure, Error = result.Error, Attempts = attempts },
        };
    }

    /// <summary>
    /// Under the schema's lock, which child creation shares: migrates children created during the job (they were
    /// copied from the old schema), then the schema database, then drops the old child template.
    /// </summary>
    private async Task<List<MigrationTask>> FinishSchemaAsync(MigrationJob job, long target, MigrationStepTimes steps, CancellationToken cancellationToken)
    {
        using (await schemaLocks.HoldAsync(job.Schema, cancellationToken))
        {
            while (catalog.ChildrenBelow(job.Schema, target, SweepBatch) is { Count: > 0 } behind)
            {
                journal.AddTasks(job.Id, behind.Select(child => child.Name));
                LogSweep(logger, job.Id, job.Schema.Value, behind.Count);
                var created = behind.Select(child => new MigrationTask(job.Id, child.Name, false, MigrationTaskStatus.Enqueued, null, 0)).ToList();
                if (await RunChildrenAsync(job, created, late: true, steps, cancellationToken) is { Count: > 0 } failed)
                {
                    return failed;
                }
            }

            var schemaTask = journal.Tasks(job.Id).Single(task => task.IsSchema);
            var done = await RunTaskAsync(job, schemaTask, blockOwn: false, steps, cancellationToken);
            journal.SetTasks([done]);
            if (done.Status == MigrationTaskStatus.Failure)
            {
                return [done];
            }

            templates.Forget(job.Schema);
            return [];
        }
    }

    private async Task<DatabaseMigration> MeasureAsync(MigrationJob job, MigrationTask task, string phase, Func<Task<DatabaseMigration>> step)
    {
        using var activity = MigrationTelemetry.Source.StartActivity("migration task");
        activity?.SetTag("db.name", task.Database.Value);
        activity?.SetTag("migration.job_id", job.Id);
        activity?.SetTag("migration.phase", phase);
        var started = time.GetTimestamp();
        var result = await step();
        var outcome = result.Outcome.ToString();
        activity?.SetTag("migration.outcome", outcome);
        if (result.Outcome is DatabaseMigrationOutcome.Failed or DatabaseMigrationOutcome.Missing)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Error);
        }

        MigrationTelemetry.TaskDuration.Record(
            time.GetElapsedTime(started).TotalMilliseconds,
            new TagList { { "migration.phase", phase }, { "migration.outcome", outcome } });
        return result;
    }

    private MigrationJob Finish(MigrationJob job, MigrationJobStatus status, string? error, Activity? activity)
    {
        journal.SetStatus(job.Id, status, error, finished: true);
        activity?.SetTag("migration.outcome", status.ToString());
        if (error is not null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, error);
        }

        if (error is null)
        {
            LogFinished(logger, job.Id, job.Schema.Value, status.ToString());
        }
        else
        {
            LogFailed(logger, job.Id, job.Schema.Value, status.ToString(), error);
        }

        return journal.Find(job.Id) ?? job with { Status = status, Error = error };
    }

    private ParallelOptions Parallelism(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken };

    private static string DryRunError(IReadOnlyList<MigrationTask> failures) =>
        $"dry run failed on {failures.Count} database(s), nothing was changed: "
        + string.Join("; ", failures.Take(5).Select(task => $"'{task.Database}': {task.Error}"))
        + (failures.Count > 5 ? $"; and {failures.Count - 5} more (see progress)" : "");

    private static string RunError(MigrationJob job, IReadOnlyList<MigrationTask> failures) =>
        $"run failed on {failures.Count} database(s) after retries: "
        + string.Join("; ", failures.Take(5).Select(task => $"'{task.Database}': {task.Error}"))
        + (failures.Count > 5 ? $"; and {failures.Count - 5} more (see progress)" : "")
        + $". Schema database '{job.Schema}' was not moved to version {job.TargetVersion}; fix the databases named and "
        + $"POST .../databases/{job.Schema}/jobs/{job.Id}/retry to re-run the failed tasks.";

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration job {JobId} on '{Schema}' started: version {Version}, {Children} children.")]
    private static partial void LogStarted(ILogger logger, long jobId, string schema, long version, int children);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration job {JobId} on '{Schema}' ended {Status}.")]
    private static partial void LogFinished(ILogger logger, long jobId, string schema, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migration job {JobId} on '{Schema}' ended {Status}: {Error}")]
    private static partial void LogFailed(ILogger logger, long jobId, string schema, string status, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration job {JobId}: {Phase} took {Elapsed}.")]
    private static partial void LogPhase(ILogger logger, long jobId, string phase, TimeSpan elapsed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration job {JobId}: step times per rolling child: {Steps}.")]
    private static partial void LogSteps(ILogger logger, long jobId, string steps);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration job {JobId} on '{Schema}': {Count} children created during the job are migrated before the schema database.")]
    private static partial void LogSweep(ILogger logger, long jobId, string schema, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migration job {JobId}: database '{Database}' failed attempt {Attempt}, trying again: {Error}")]
    private static partial void LogTaskRetry(ILogger logger, long jobId, string database, int attempt, string? error);
}

using System.Collections.Concurrent;
using Tenancy.Databases;
using TenantService.Catalog;
using TenantService.Databases;
using TenantService.Schemas;

namespace TenantService.Migrations;

/// <summary>
/// Takes migration jobs in and runs them: one at a time per schema database (later ones queue behind it, and a job
/// that failed in its run phase holds its schema until retried), many schemas at once, each job carried through by
/// <see cref="MigrationJobExecutor"/>. Jobs live in <see cref="MigrationJournal"/>, so a restart resumes them.
/// Built-in schema files come through here too, as jobs with a fixed version (<see cref="ISchemaChangeRunner"/>).
/// </summary>
internal sealed partial class MigrationRunner(
    MigrationJournal journal,
    DatabaseCatalog catalog,
    MigrationJobExecutor executor,
    TimeProvider time,
    ILogger<MigrationRunner> logger) : ISchemaChangeRunner, IAsyncDisposable, IDisposable
{
    private readonly Lock _workersGate = new();
    private readonly Dictionary<string, Task> _workers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<MigrationJob>> _waiters = new();
    private readonly CancellationTokenSource _stopping = new();

    public MigrationSubmission Submit(DatabaseName schema, MigrationScript script, bool dryRun, MigrationLockMode lockMode, long? targetVersion = null)
    {
        if (catalog.Find(schema) is not { } entry)
        {
            return new MigrationSubmission(MigrationSubmissionOutcome.SchemaNotFound);
        }

        if (entry.Kind != DatabaseKind.Schema)
        {
            return new MigrationSubmission(MigrationSubmissionOutcome.NotASchema, Kind: entry.Kind);
        }

        if (journal.Head(entry.DbId) is { Status: MigrationJobStatus.RunFailure } failed)
        {
            return new MigrationSubmission(MigrationSubmissionOutcome.HeldByFailedJob, FailedJobId: failed.Id);
        }

        var job = journal.Insert(entry, script.Sql, dryRun, lockMode, targetVersion);
        LogSubmitted(logger, job.Id, schema.Value, dryRun, lockMode);
        Kick(schema);
        return new MigrationSubmission(MigrationSubmissionOutcome.Accepted, job);
    }

    public MigrationJob? Find(long jobId) => journal.Find(jobId);

    /// <summary>The jobs of <paramref name="schema"/>, newest first.</summary>
    public IReadOnlyList<MigrationJob> Jobs(DatabaseEntry schema) => journal.List(schema);

    public MigrationRetryOutcome Retry(DatabaseName schema, long jobId)
    {
        if (journal.Find(jobId) is not { } job || job.Schema != schema)
        {
            return MigrationRetryOutcome.NotFound;
        }

        if (!journal.Reopen(jobId))
        {
            return MigrationRetryOutcome.NotRunFailure;
        }

        LogRetrying(logger, jobId, schema.Value);
        Kick(schema);
        return MigrationRetryOutcome.Retrying;
    }

    /// <summary>Waits until the job is finished (a retry reopens it); null for an unknown job.</summary>
    public async Task<MigrationJob?> WaitAsync(long jobId, CancellationToken cancellationToken)
    {
        var waiter = _waiters.GetOrAdd(jobId, static _ => new TaskCompletionSource<MigrationJob>(TaskCreationOptions.RunContinuationsAsynchronously));
        // Looked up after registering, so a job that finishes in between is seen one way or the other.
        var job = journal.Find(jobId);
        if (job is null || job.IsFinished)
        {
            _waiters.TryRemove(new KeyValuePair<long, TaskCompletionSource<MigrationJob>>(jobId, waiter));
            return job;
        }

        return await waiter.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The job's tasks as stored, with the ones being applied right now shown as <see cref="MigrationTaskStatus.Run"/>.</summary>
    public IReadOnlyList<MigrationTask> Progress(MigrationJob job) =>
        journal.Tasks(job.Id)
            .Select(task => task.Status is MigrationTaskStatus.Enqueued or MigrationTaskStatus.DryRunSuccess
                && executor.IsApplying(job.Id, task.Database) ? task with { Status = MigrationTaskStatus.Run } : task)
            .ToList();

    /// <summary>The job this queued job waits for, or null when it is not queued.</summary>
    public long? QueuedBehind(MigrationJob job) =>
        job.StartedAt is null && journal.Head(job.SchemaId) is { } head && head.Id != job.Id ? head.Id : null;

    /// <summary>Starts the jobs a previous run of the service left unfinished.</summary>
    public void Resume()
    {
        foreach (var schema in journal.SchemasWithUnfinishedJobs())
        {
            LogResuming(logger, schema.Value);
            Kick(schema);
        }
    }

    /// <inheritdoc />
    public async Task ApplyAsync(DatabaseName schema, long version, string sql, CancellationToken cancellationToken)
    {
        var script = MigrationScript.TryParse(sql, out var problem)
            ?? throw new InvalidOperationException($"Schema file version {version} of '{schema}' cannot be applied: {problem}");
        if (catalog.Find(schema) is not { Kind: DatabaseKind.Schema } entry)
        {
            throw new InvalidOperationException($"'{schema}' is not a schema database; create it with is_schema before applying version {version}.");
        }

        var job = journal.FindPending(entry, version);
        if (job is { Status: MigrationJobStatus.RunFailure })
        {
            // A built-in file that failed on some children last time: those may have been fixed since.
            Retry(schema, job.Id);
        }
        else if (job is not null)
        {
            // Left unfinished by the previous run of the service; start-up comes before the resumer, so start it here.
            Kick(schema);
        }
        else
        {
            if (entry.Version >= version && catalog.ChildrenBelow(schema, version, limit: 1).Count == 0)
            {
                return;
            }

            if (entry.Version < version - 1)
            {
                LogVersionGap(logger, schema.Value, version, entry.Version);
                return;
            }

            var submission = Submit(schema, script, dryRun: false, MigrationLockMode.Rolling, version);
            if (submission.Job is null)
            {
                LogBuiltInNotSubmitted(logger, schema.Value, version, submission.Outcome.ToString(), submission.FailedJobId);
                return;
            }

            job = submission.Job;
        }

        var finished = await WaitAsync(job.Id, cancellationToken);
        if (finished is not { Status: MigrationJobStatus.RunSuccess })
        {
            LogBuiltInFailed(logger, schema.Value, version, job.Id, finished?.Error);
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (_workersGate)
        {
            _stopping.Cancel();
            running = [.. _workers.Values];
        }

        try
        {
            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception exception) when (exception is OperationCanceledException or TimeoutException)
        {
            // Whatever did not finish is resumed at the next start.
        }
    }

    private void Kick(DatabaseName schema)
    {
        lock (_workersGate)
        {
            if (_stopping.IsCancellationRequested || _workers.ContainsKey(schema.Value))
            {
                return;
            }

            _workers[schema.Value] = Task.Run(() => WorkAsync(schema));
        }
    }

    /// <summary>The job to run next on <paramref name="schema"/>, after ending any left over by an earlier database of that name.</summary>
    private MigrationJob? NextJob(DatabaseName schema)
    {
        var entry = catalog.Find(schema) is { Kind: DatabaseKind.Schema } found ? found : null;
        foreach (var orphan in journal.EndOrphans(schema, entry?.DbId))
        {
            if (_waiters.TryRemove(orphan, out var waiter) && journal.Find(orphan) is { } ended)
            {
                waiter.TrySetResult(ended);
            }
        }

        return entry is null ? null : journal.Head(entry.DbId);
    }

    private async Task WorkAsync(DatabaseName schema)
    {
        var pause = TimeSpan.FromSeconds(1);
        while (true)
        {
            MigrationJob? job;
            // Deciding to stop under the same lock Kick takes: a job submitted meanwhile is never left without a worker.
            lock (_workersGate)
            {
                job = _stopping.IsCancellationRequested ? null : NextJob(schema);
                if (job is null or { Status: MigrationJobStatus.RunFailure })
                {
                    _workers.Remove(schema.Value);
                    return;
                }
            }

            try
            {
                var finished = await executor.RunAsync(job, _stopping.Token);
                if (_waiters.TryRemove(job.Id, out var waiter))
                {
                    waiter.TrySetResult(finished);
                }

                pause = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                lock (_workersGate)
                {
                    _workers.Remove(schema.Value);
                }

                return;
            }
            catch (Exception exception)
            {
                // platform.db busy, Redis gone...: the job stays where the journal says and is tried again.
                LogJobError(logger, job.Id, schema.Value, pause, exception);
                try
                {
                    await Task.Delay(pause, time, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    // Stopping: the loop ends at its next check.
                }

                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration job {JobId} on '{Schema}' submitted (dry run: {DryRun}, lock: {Lock}).")]
    private static partial void LogSubmitted(ILogger logger, long jobId, string schema, bool dryRun, MigrationLockMode @lock);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration job {JobId} on '{Schema}' retried: its failed tasks run again.")]
    private static partial void LogRetrying(ILogger logger, long jobId, string schema);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming unfinished migration jobs of '{Schema}'.")]
    private static partial void LogResuming(ILogger logger, string schema);

    [LoggerMessage(Level = LogLevel.Error, Message = "Migration job {JobId} on '{Schema}' stopped by an error; trying again in {Pause}.")]
    private static partial void LogJobError(ILogger logger, long jobId, string schema, TimeSpan pause, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Built-in schema file version {Version} of '{Schema}' was not applied: the schema database is at version {Current}, an earlier file is missing.")]
    private static partial void LogVersionGap(ILogger logger, string schema, long version, int current);

    [LoggerMessage(Level = LogLevel.Error, Message = "Built-in schema file version {Version} of '{Schema}' was not submitted ({Outcome}, failed job {FailedJob}).")]
    private static partial void LogBuiltInNotSubmitted(ILogger logger, string schema, long version, string outcome, long? failedJob);

    [LoggerMessage(Level = LogLevel.Error, Message = "Built-in schema file version {Version} of '{Schema}' did not apply (job {JobId}): {Error}. See GET .../databases/{Schema}/jobs/{JobId}.")]
    private static partial void LogBuiltInFailed(ILogger logger, string schema, long version, long jobId, string? error);
}

using System.Diagnostics;
using Tenancy.Databases;
using TenantService.Catalog;

namespace TenantService.Backups;

/// <summary>What one pass did.</summary>
internal sealed record BackupPassResult(int Checked, int Unchanged, int Taken, int Failed, int Pruned, TimeSpan Elapsed);

/// <summary>
/// One snapshot pass over every database in platform.db: a database whose <see cref="FileMark"/> equals the one stored
/// at its last snapshot (and was not written near that time) is skipped; the others are snapshotted,
/// <see cref="BackupOptions.Parallelism"/> at a time, and their old snapshots pruned. Once a day the pass also prunes
/// every backups folder, deleted databases' included.
/// </summary>
internal sealed partial class BackupPass(
    DatabaseCatalog catalog,
    BackupJournal journal,
    SnapshotTaker taker,
    SnapshotStore store,
    TenantDatabaseFactory factory,
    BackupOptions options,
    TimeProvider time,
    ILogger<BackupPass> logger)
{
    private const int PageSize = 1000;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    public async Task<BackupPassResult> RunAsync(CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            return await RunLockedAsync(cancellationToken);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>Snapshots one database now (also when unchanged) and prunes its folder.</summary>
    public Snapshot TakeNow(DatabaseEntry entry)
    {
        var now = time.GetUtcNow();
        var (snapshot, mark) = taker.Take(entry, now);
        journal.SetMark(entry.Name, mark, now);
        Prune(entry.Name, now, keepNewest: true);
        return snapshot;
    }

    private async Task<BackupPassResult> RunLockedAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var marks = journal.Marks();
        int checkedCount = 0, unchanged = 0, taken = 0, failed = 0, pruned = 0;
        var changed = new List<DatabaseEntry>();
        var after = string.Empty;
        while (catalog.Page(after, PageSize) is { Count: > 0 } page)
        {
            after = page[^1].Name.Value;
            // Databases on storage backends are their backend's to back up; this node dumps one only when it is deleted.
            foreach (var entry in page.Where(entry => entry.Placement is null))
            {
                checkedCount++;
                if (IsUnchanged(entry, marks))
                {
                    unchanged++;
                }
                else
                {
                    changed.Add(entry);
                }
            }
        }

        await Parallel.ForEachAsync(
            changed,
            new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
            (entry, _) =>
            {
                try
                {
                    var now = time.GetUtcNow();
                    var (_, mark) = taker.Take(entry, now);
                    journal.SetMark(entry.Name, mark, now);
                    Interlocked.Increment(ref taken);
                    Interlocked.Add(ref pruned, Prune(entry.Name, now, keepNewest: true));
                }
                catch (Exception exception) when (exception is IOException or Microsoft.Data.Sqlite.SqliteException or UnauthorizedAccessException)
                {
                    // Deleted meanwhile, or unreadable: the next pass tries again.
                    Interlocked.Increment(ref failed);
                    LogSnapshotFailed(logger, entry.Name.Value, exception);
                }

                return ValueTask.CompletedTask;
            });

        var sweepAt = time.GetUtcNow();
        if (sweepAt - _lastSweep >= TimeSpan.FromDays(1))
        {
            _lastSweep = sweepAt;
            foreach (var name in store.Names())
            {
                pruned += Prune(name, sweepAt, keepNewest: catalog.Find(name) is not null);
            }
        }

        var result = new BackupPassResult(checkedCount, unchanged, taken, failed, pruned, time.GetElapsedTime(started));
        LogPass(logger, result.Checked, result.Unchanged, result.Taken, result.Failed, result.Pruned, (long)result.Elapsed.TotalMilliseconds);
        return result;
    }

    private bool IsUnchanged(DatabaseEntry entry, Dictionary<string, (FileMark Mark, long MarkedAt)> marks)
    {
        if (!marks.TryGetValue(entry.Name.Value, out var known))
        {
            return false;
        }

        var mark = FileMark.Read(factory.Layout.DatabasePath(entry.Name));
        return mark == known.Mark && !mark.WrittenNear(known.MarkedAt);
    }

    private int Prune(DatabaseName name, DateTimeOffset now, bool keepNewest)
    {
        var snapshots = store.List(name);
        var expired = BackupRetention.Expired(snapshots.Select(snapshot => snapshot.TakenAt), now, options, keepNewest).ToHashSet();
        var count = 0;
        foreach (var snapshot in snapshots.Where(snapshot => expired.Contains(snapshot.TakenAt)))
        {
            store.Delete(snapshot);
            count++;
        }

        return count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not snapshot database '{Name}'; the next pass tries again.")]
    private static partial void LogSnapshotFailed(ILogger logger, string name, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Snapshot pass: {Checked} databases, {Unchanged} unchanged, {Taken} snapshots, {Failed} failed, {Pruned} pruned in {ElapsedMs} ms.")]
    private static partial void LogPass(ILogger logger, int @checked, int unchanged, int taken, int failed, int pruned, long elapsedMs);
}

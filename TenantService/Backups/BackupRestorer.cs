using Tenancy.Databases;
using Tenancy.Metadata;
using TenantService.Catalog;
using TenantService.Databases;
using TenantService.Metadata;
using TenantService.Migrations;

namespace TenantService.Backups;

/// <summary>
/// Restores a database in place from a snapshot. The new file is prepared first (copied, migrated to the current
/// version, flushed) while the database serves as before; then writes are blocked through the migrations' write block,
/// every service closes its connections (<see cref="DatabaseCloser"/>), the old file's WAL is folded in, and the new
/// file is renamed over it and the folder flushed. A crash leaves the old file or the new one, whole; the restore's row
/// in <c>backup_restores</c> lets the next start lift the block.
/// </summary>
internal sealed partial class BackupRestorer(
    DatabaseCatalog catalog,
    DatabaseNameLocks locks,
    SchemaChangeLocks schemaLocks,
    MigrationJournal migrations,
    SnapshotStore store,
    SnapshotPreparer preparer,
    BackupJournal journal,
    WriteBlocks writeBlocks,
    DatabaseCloser closer,
    TenantDatabaseFactory factory,
    ILogger<BackupRestorer> logger)
{
    public async Task<RestoreResult> RestoreAsync(DatabaseName name, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using (await locks.AcquireAsync(name, cancellationToken))
        {
            if (catalog.Find(name) is not { } entry)
            {
                return new RestoreResult(RestoreOutcome.NotFound);
            }

            if (store.LatestAtOrBefore(name, at) is not { } snapshot)
            {
                return new RestoreResult(RestoreOutcome.NoSnapshot, Problem: NoSnapshotProblem(name, at));
            }

            var schemaName = entry.Kind switch
            {
                DatabaseKind.Child => entry.Schema,
                DatabaseKind.Schema => entry.Name,
                _ => null,
            };
            // Under the schema's lock: a job's final sweep cannot migrate the old file while the new one is swapped in.
            // A child's restore shares it with creates; the schema database's own restore holds it alone.
            using (schemaName is not { } held ? default : entry.Kind == DatabaseKind.Schema ? await schemaLocks.HoldAsync(held, cancellationToken) : await schemaLocks.ShareAsync(held, cancellationToken))
            {
                var schema = schemaName is { } named ? catalog.Find(named) : null;
                if (schema is not null && migrations.Head(schema.DbId) is { IsFinished: false } job)
                {
                    return new RestoreResult(RestoreOutcome.Conflict, Problem:
                        $"migration job {job.Id} of schema '{schema.Name}' is {job.Status}; restore '{name}' after it has finished");
                }

                var path = factory.Layout.DatabasePath(name);
                PreparedSnapshot prepared;
                try
                {
                    prepared = preparer.Prepare(snapshot, entry.Kind, schema, path);
                }
                catch (SnapshotNotMigratableException exception)
                {
                    return new RestoreResult(RestoreOutcome.Conflict, Problem: exception.Message);
                }

                using (prepared)
                {
                    return await SwapAsync(entry, prepared, path);
                }
            }
        }
    }

    /// <summary>Lifts the blocks of restores a crash interrupted: the file is the old one or the new one, whole.</summary>
    public async Task RecoverAsync()
    {
        foreach (var name in journal.UnfinishedRestores())
        {
            if (catalog.Find(name) is { } entry)
            {
                var version = (int)ReadVersion(factory.Layout.DatabasePath(name), entry);
                catalog.SetBlocks(name, blockWrites: false, blockReads: false, version);
                await closer.ReopenAsync(entry with { Version = version, BlockWrites = false, BlockReads = false });
                LogRecovered(logger, name.Value, version);
            }

            journal.EndRestore(name);
        }
    }

    private async Task<RestoreResult> SwapAsync(DatabaseEntry entry, PreparedSnapshot prepared, string path)
    {
        journal.StartRestore(entry.Name);
        await writeBlocks.BlockAsync(entry);
        var blocked = entry with { BlockWrites = true };
        if (!await closer.CloseEverywhereAsync(blocked))
        {
            await writeBlocks.ReleaseAsync(entry, "restore");
            journal.EndRestore(entry.Name);
            return new RestoreResult(RestoreOutcome.Busy);
        }

        var restored = entry with { Version = prepared.Version, BlockWrites = false, BlockReads = false };
        try
        {
            FoldLog(path, entry);
            DurableFile.MoveFlushed(prepared.TemporaryPath, path, flushDirectory: true);
        }
        catch
        {
            await closer.ReopenAsync(blocked);
            await writeBlocks.ReleaseAsync(entry, "restore");
            journal.EndRestore(entry.Name);
            throw;
        }

        catalog.SetBlocks(entry.Name, blockWrites: false, blockReads: false, restored.Version);
        await closer.ReopenAsync(restored);
        await writeBlocks.ReleaseAsync(restored, "restore", recordVersion: true);
        journal.EndRestore(entry.Name);
        // The new file's marks differ anyway; forgetting the old ones makes the next pass snapshot it for certain.
        journal.ForgetMark(entry.Name);
        LogRestored(logger, entry.Name.Value, BackupTime.Format(prepared.Source.TakenAt), prepared.Source.Version, restored.Version);
        return new RestoreResult(RestoreOutcome.Restored, restored, prepared.Source);
    }

    /// <summary>Checkpoints the old file's WAL into it and removes the WAL, so the rename replaces a whole database and no old WAL meets the new file.</summary>
    private void FoldLog(string path, DatabaseEntry entry)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using (var connection = factory.Open(path, entry.Kind, entry.Schema?.Value))
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            command.ExecuteNonQuery();
        }
    }

    private long ReadVersion(string path, DatabaseEntry entry)
    {
        try
        {
            using var connection = factory.Open(path, entry.Kind, entry.Schema?.Value, readOnly: true);
            return DatabaseVersion.Read(connection);
        }
        catch (FileNotFoundException)
        {
            return entry.Version;
        }
    }

    private string NoSnapshotProblem(DatabaseName name, DateTimeOffset at) =>
        store.List(name) is { Count: > 0 } snapshots
            ? $"'timestamp' {BackupTime.Format(at)} is before the oldest snapshot of '{name}' ({BackupTime.Format(snapshots[^1].TakenAt)}); GET its backups to see which exist"
            : $"database '{name}' has no snapshots yet; take one with POST .../databases/{name}/backups";

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored database '{Name}' from its snapshot of {TakenAt} (version {SnapshotVersion}, now {Version}).")]
    private static partial void LogRestored(ILogger logger, string name, string takenAt, int snapshotVersion, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A restore of database '{Name}' was interrupted by a crash; its file is whole at version {Version} and its blocks are lifted.")]
    private static partial void LogRecovered(ILogger logger, string name, int version);
}

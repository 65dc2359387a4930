using Tenancy.Databases;
using TenantService.Catalog;
using TenantService.Databases;
using TenantService.Migrations;

namespace TenantService.Backups;

/// <summary>
/// Makes a snapshot ready to become a live database before anything live is touched: copies it to a temporary file in
/// the destination's folder (so the final rename is atomic), brings it to its schema's current version by running the
/// schema's successful migration jobs it has not had, in order, each in one transaction with its version, and flushes it.
/// </summary>
internal sealed class SnapshotPreparer(TenantDatabaseFactory factory, MigrationJournal migrations)
{
    /// <param name="snapshot">The snapshot.</param>
    /// <param name="kind">What the new file is.</param>
    /// <param name="schema">The schema database whose migrations it follows (itself for a schema database), or null for a standalone one.</param>
    /// <param name="destination">Where the file will live.</param>
    /// <exception cref="SnapshotNotMigratableException">The migrations between the snapshot's version and the current one are not all recorded, or one fails.</exception>
    public PreparedSnapshot Prepare(Snapshot snapshot, DatabaseKind kind, DatabaseEntry? schema, string destination)
    {
        var directory = Path.GetDirectoryName(destination)!;
        Directory.CreateDirectory(directory);
        // Named like every other temporary file, so start-up sweeps one a crash left behind.
        var prepared = new PreparedSnapshot(
            Path.Combine(directory, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}{DurableFile.TemporarySuffix}"), snapshot.Version, snapshot);
        try
        {
            File.Copy(snapshot.Path, prepared.TemporaryPath);
            var version = schema is null ? snapshot.Version : Migrate(prepared.TemporaryPath, snapshot, snapshot.Version, kind, schema);
            Flush(prepared.TemporaryPath);
            return prepared with { Version = version };
        }
        catch
        {
            prepared.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Brings a file prepared earlier up to <paramref name="schema"/>'s version as it is now: called under the schema's
    /// lock, where the file is recorded, so a migration that finished after <see cref="Prepare"/> is not missed.
    /// </summary>
    /// <exception cref="SnapshotNotMigratableException">A migration between the two versions is not recorded, or fails on the file.</exception>
    public PreparedSnapshot CatchUp(PreparedSnapshot prepared, DatabaseKind kind, DatabaseEntry schema)
    {
        if (prepared.Version >= schema.Version)
        {
            return prepared;
        }

        var version = Migrate(prepared.TemporaryPath, prepared.Source, prepared.Version, kind, schema);
        Flush(prepared.TemporaryPath);
        return prepared with { Version = version };
    }

    private static void Flush(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        stream.Flush(flushToDisk: true);
    }

    private int Migrate(string path, Snapshot snapshot, int from, DatabaseKind kind, DatabaseEntry schema)
    {
        var version = from;
        if (version >= schema.Version)
        {
            return version;
        }

        // A job still running whose target the schema database has reached has run its schema task, its last: its SQL
        // is good, only its status is not recorded yet (a create under the schema's lock can come right after that task).
        var steps = migrations.List(schema)
            .Where(job => job is { Status: MigrationJobStatus.RunSuccess or MigrationJobStatus.WaitingRun, DryRun: false, TargetVersion: { } target }
                && target > version && target <= schema.Version)
            .OrderBy(job => job.Status == MigrationJobStatus.RunSuccess ? 0 : 1)
            .GroupBy(job => job.TargetVersion!.Value)
            .OrderBy(group => group.Key)
            .Select(group => group.First())
            .ToList();
        using var connection = factory.Open(path, kind, schema.Name.Value);
        using (factory.AllowSchemaChanges(connection))
        using (factory.AllowLongStatements(connection))
        {
            foreach (var job in steps)
            {
                if (job.TargetVersion != version + 1)
                {
                    break;
                }

                try
                {
                    using var transaction = connection.BeginTransaction();
                    using (var command = connection.CreateCommand())
                    {
                        command.Transaction = transaction;
                        command.CommandText = job.Sql;
                        command.ExecuteNonQuery();
                    }

                    DatabaseVersion.Write(connection, job.TargetVersion.Value, transaction);
                    transaction.Commit();
                    version = (int)job.TargetVersion.Value;
                }
                catch (Microsoft.Data.Sqlite.SqliteException exception)
                {
                    throw new SnapshotNotMigratableException(
                        $"the snapshot of '{snapshot.Name}' taken at {BackupTime.Format(snapshot.TakenAt)} is at version {snapshot.Version} and migration job {job.Id} "
                        + $"(to version {job.TargetVersion}) failed on it: {exception.Message}");
                }
            }

            // WAL back into the file before it is flushed and moved: the file alone is the database.
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            checkpoint.ExecuteNonQuery();
        }

        if (version != schema.Version)
        {
            throw new SnapshotNotMigratableException(
                $"the snapshot of '{snapshot.Name}' taken at {BackupTime.Format(snapshot.TakenAt)} is at version {snapshot.Version}, and the migrations of schema "
                + $"'{schema.Name}' from version {version + 1} to {schema.Version} are not recorded in platform.db; it cannot be brought to the current version");
        }

        return version;
    }
}

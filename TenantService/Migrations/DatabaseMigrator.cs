using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Tenancy.Connections;
using Tenancy.Databases;
using TenantService.Catalog;
using TenantService.Databases;

namespace TenantService.Migrations;

/// <summary>How one database took a migration.</summary>
internal enum DatabaseMigrationOutcome
{
    /// <summary>The SQL ran; committed in a run, rolled back in a dry run.</summary>
    Applied,

    /// <summary>The database is already at (or past) the target version: nothing to do, nothing done.</summary>
    AlreadyAtVersion,

    /// <summary>SQLite refused the SQL or the database was busy; the transaction was rolled back.</summary>
    Failed,

    /// <summary>The database has no file.</summary>
    Missing,
}

/// <summary>The outcome on one database, with its version afterwards and, for a failure, SQLite's message.</summary>
internal readonly record struct DatabaseMigration(DatabaseMigrationOutcome Outcome, long Version, string? Error = null);

/// <summary>
/// Runs a migration's SQL on one database inside one transaction, with the version check and the version write in
/// that same transaction: a database gets a migration once however often its task runs, and never half of it. The
/// connection is the tenant's writer from the connection cache, leased for maintenance: libSQL writes in this process
/// wait while it runs, and a libSQL transaction holding the write lock is rolled back after the cache's grace time.
/// </summary>
internal sealed class DatabaseMigrator(TenantConnectionCache cache, TenantDatabaseFactory factory, MigrationOptions options, TimeProvider time) : IDatabaseMigrator
{
    /// <summary>
    /// Opens the database and its writer connection in the connection cache before its write block starts, so that the
    /// opens, and the close (with its checkpoint) of the tenant it evicts from a full cache, are not part of the time its
    /// writes are blocked. A write lease taken and given back at once: it waits only for a write in progress.
    /// </summary>
    public async Task OpenAheadAsync(DatabaseEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            // The migration itself runs on the writer: a read lease would open a reader, and the writer inside the block.
            var access = await cache.AcquireAsync(entry.Name, TenantAccessMode.Write, cancellationToken);
            access.Lease?.Dispose();
        }
        catch (Exception exception) when (exception is FileNotFoundException or SqliteException)
        {
            // The migration itself meets the same problem and reports it.
        }
    }

    /// <summary>Runs the SQL and rolls it back: would it apply?</summary>
    public Task<DatabaseMigration> DryRunAsync(DatabaseEntry entry, string sql, long targetVersion, CancellationToken cancellationToken) =>
        RunAsync(entry, sql, targetVersion, commit: false, cancellationToken);

    /// <summary>Runs the SQL and records <paramref name="targetVersion"/>, both in one committed transaction.</summary>
    public Task<DatabaseMigration> ApplyAsync(DatabaseEntry entry, string sql, long targetVersion, CancellationToken cancellationToken) =>
        RunAsync(entry, sql, targetVersion, commit: true, cancellationToken);

    private async Task<DatabaseMigration> RunAsync(DatabaseEntry entry, string sql, long targetVersion, bool commit, CancellationToken cancellationToken)
    {
        TenantAccess access;
        try
        {
            access = await cache.AcquireAsync(entry.Name, TenantAccessMode.Maintenance, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return new DatabaseMigration(DatabaseMigrationOutcome.Missing, entry.Version, $"database '{entry.Name}' has no file");
        }
        catch (SqliteException exception)
        {
            return new DatabaseMigration(DatabaseMigrationOutcome.Failed, entry.Version, exception.Message);
        }

        if (access.Lease is not { } lease)
        {
            return access.Status == TenantAccessStatus.NotFound
                ? new DatabaseMigration(DatabaseMigrationOutcome.Missing, entry.Version, $"database '{entry.Name}' has no file")
                : new DatabaseMigration(DatabaseMigrationOutcome.Failed, entry.Version, $"database '{entry.Name}' is being deleted or replaced");
        }

        using (lease)
        {
            return Run(lease.Connection, entry, sql, targetVersion, commit);
        }
    }

    private DatabaseMigration Run(SqliteConnection connection, DatabaseEntry entry, string sql, long targetVersion, bool commit)
    {
        var timedOut = false;
        using (factory.AllowSchemaChanges(connection))
        // Migrations are the platform's own work, like dumps: the per-statement limit for tenant SQL does not apply,
        // but each database's migration as a whole has one.
        using (factory.AllowLongStatements(connection))
        using (time.CreateTimer(_ => { timedOut = true; raw.sqlite3_interrupt(connection.Handle); }, null, options.DatabaseTimeout, Timeout.InfiniteTimeSpan))
        {
            var version = (long)entry.Version;
            try
            {
                // A run takes the write lock up front, so the version it checks is the version it writes over.
                using var transaction = connection.BeginTransaction(deferred: !commit);
                version = ReadVersion(connection, transaction);
                if (version >= targetVersion)
                {
                    transaction.Rollback();
                    return new DatabaseMigration(DatabaseMigrationOutcome.AlreadyAtVersion, version);
                }

                using (var command = connection.CreateCommand())
                {
                    command.Transaction = transaction;
                    command.CommandText = sql;
                    command.ExecuteNonQuery();
                }

                if (!commit)
                {
                    transaction.Rollback();
                    return new DatabaseMigration(DatabaseMigrationOutcome.Applied, version);
                }

                DatabaseVersion.Write(connection, targetVersion, transaction);
                transaction.Commit();
                return new DatabaseMigration(DatabaseMigrationOutcome.Applied, targetVersion);
            }
            catch (SqliteException exception)
            {
                // Disposing the transaction rolled back whatever ran.
                var message = timedOut
                    ? string.Create(CultureInfo.InvariantCulture, $"the migration of '{entry.Name}' ran longer than {options.DatabaseTimeout.TotalSeconds:0.###} s and was rolled back")
                    : TenantDatabaseFactory.Explain(exception, connection)?.Message ?? exception.Message;
                return new DatabaseMigration(DatabaseMigrationOutcome.Failed, version, message);
            }
        }
    }

    private static long ReadVersion(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}

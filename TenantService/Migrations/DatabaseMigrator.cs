using System.Globalization;
using Microsoft.Data.Sqlite;
using Tenancy.Databases;
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
/// that same transaction: a database gets a migration once however often its task runs, and never half of it.
/// </summary>
internal sealed class DatabaseMigrator(TenantDatabaseFactory factory)
{
    /// <summary>Runs the SQL and rolls it back: would it apply?</summary>
    public DatabaseMigration DryRun(DatabaseEntry entry, string sql, long targetVersion) => Run(entry, sql, targetVersion, commit: false);

    /// <summary>Runs the SQL and records <paramref name="targetVersion"/>, both in one committed transaction.</summary>
    public DatabaseMigration Apply(DatabaseEntry entry, string sql, long targetVersion) => Run(entry, sql, targetVersion, commit: true);

    private DatabaseMigration Run(DatabaseEntry entry, string sql, long targetVersion, bool commit)
    {
        SqliteConnection connection;
        try
        {
            connection = factory.Open(entry.Name, entry.Kind, entry.Schema?.Value);
        }
        catch (FileNotFoundException)
        {
            return new DatabaseMigration(DatabaseMigrationOutcome.Missing, entry.Version, $"database '{entry.Name}' has no file");
        }
        catch (SqliteException exception)
        {
            return new DatabaseMigration(DatabaseMigrationOutcome.Failed, entry.Version, exception.Message);
        }

        using (connection)
        using (factory.AllowSchemaChanges(connection))
        // Migrations are the platform's own work, like dumps: the per-statement limit for tenant SQL does not apply.
        using (factory.AllowLongStatements(connection))
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
                var message = TenantDatabaseFactory.Explain(exception, connection)?.Message ?? exception.Message;
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

using Microsoft.Data.Sqlite;
using Tenancy.Databases;

namespace TenantService.Backups;

/// <summary>
/// What the snapshot passes remember in platform.db, on a connection of their own: <c>backup_marks</c> holds each
/// database's <see cref="FileMark"/> as it was when its last snapshot started, read in one query per pass so an
/// unchanged database costs two <c>stat</c> calls; <c>backup_restores</c> names the restores under way, whose write
/// blocks a start after a crash lifts.
/// </summary>
internal sealed class BackupJournal : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;

    public BackupJournal(TenantDatabaseFactory factory, Catalog.DatabaseCatalog catalog)
    {
        // The catalog creates platform.db first; the journal only adds its own tables.
        ArgumentNullException.ThrowIfNull(catalog);
        _connection = factory.Open(factory.Layout.PlatformDatabasePath, DatabaseKind.Platform);
        // A mark lost to a power loss only costs one more snapshot.
        Execute("PRAGMA synchronous = NORMAL");
        Execute(
            """
            CREATE TABLE IF NOT EXISTS backup_marks (
                name TEXT PRIMARY KEY,
                db_size INTEGER NOT NULL,
                db_ticks INTEGER NOT NULL,
                wal_size INTEGER NOT NULL,
                wal_ticks INTEGER NOT NULL,
                marked_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS backup_restores (name TEXT PRIMARY KEY) WITHOUT ROWID;
            """);
    }

    /// <summary>Every mark, by database name, with the time (ticks) it was taken.</summary>
    public Dictionary<string, (FileMark Mark, long MarkedAt)> Marks()
    {
        lock (_gate)
        {
            var marks = new Dictionary<string, (FileMark, long)>(StringComparer.Ordinal);
            using var command = Command("SELECT name, db_size, db_ticks, wal_size, wal_ticks, marked_at FROM backup_marks");
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                marks[reader.GetString(0)] = (new FileMark(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)), reader.GetInt64(5));
            }

            return marks;
        }
    }

    public void SetMark(DatabaseName name, FileMark mark, DateTimeOffset markedAt)
    {
        lock (_gate)
        {
            using var command = Command(
                """
                INSERT INTO backup_marks (name, db_size, db_ticks, wal_size, wal_ticks, marked_at) VALUES ($name, $ds, $dt, $ws, $wt, $at)
                ON CONFLICT (name) DO UPDATE SET db_size = $ds, db_ticks = $dt, wal_size = $ws, wal_ticks = $wt, marked_at = $at
                """,
                ("$name", name.Value), ("$ds", mark.DatabaseSize), ("$dt", mark.DatabaseTicks), ("$ws", mark.LogSize), ("$wt", mark.LogTicks),
                ("$at", markedAt.UtcTicks));
            command.ExecuteNonQuery();
        }
    }

    public void ForgetMark(DatabaseName name) => Run("DELETE FROM backup_marks WHERE name = $name", name);

    public void StartRestore(DatabaseName name) => Run("INSERT OR IGNORE INTO backup_restores (name) VALUES ($name)", name);

    public void EndRestore(DatabaseName name) => Run("DELETE FROM backup_restores WHERE name = $name", name);

    /// <summary>Restores a crash interrupted.</summary>
    public IReadOnlyList<DatabaseName> UnfinishedRestores()
    {
        lock (_gate)
        {
            using var command = Command("SELECT name FROM backup_restores");
            using var reader = command.ExecuteReader();
            var names = new List<DatabaseName>();
            while (reader.Read())
            {
                names.Add(DatabaseName.Parse(reader.GetString(0)));
            }

            return names;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _connection.Dispose();
        }
    }

    private void Run(string sql, DatabaseName name)
    {
        lock (_gate)
        {
            using var command = Command(sql, ("$name", name.Value));
            command.ExecuteNonQuery();
        }
    }

    private void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}

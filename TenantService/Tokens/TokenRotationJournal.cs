using Microsoft.Data.Sqlite;
using Tenancy.Databases;
using TenantService.Catalog;

namespace TenantService.Tokens;

/// <summary>
/// The durable revocation list in platform.db (<c>token_rotations</c>): per scope the latest rotation, in Unix
/// milliseconds. Redis holds a copy for the other services; this table is what survives a flush. On a connection of its
/// own (WAL lets it write beside the catalog); rotations are rare, so every one is committed with a full sync.
/// </summary>
internal sealed class TokenRotationJournal : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;

    public TokenRotationJournal(TenantDatabaseFactory factory, DatabaseCatalog catalog)
    {
        // The catalog creates platform.db first; the journal only adds its own table.
        ArgumentNullException.ThrowIfNull(catalog);
        _connection = factory.Open(factory.Layout.PlatformDatabasePath, DatabaseKind.Platform);
        Execute("PRAGMA synchronous = FULL");
        Execute(
            """
            CREATE TABLE IF NOT EXISTS token_rotations (
                scope TEXT NOT NULL PRIMARY KEY,
                not_before INTEGER NOT NULL
            ) WITHOUT ROWID;
            """);
    }

    /// <summary>Records a rotation; an earlier instant never replaces a later one. Returns the instant now in force.</summary>
    public long Record(string scope, long notBefore)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText =
                """
                INSERT INTO token_rotations (scope, not_before) VALUES ($scope, $not_before)
                ON CONFLICT (scope) DO UPDATE SET not_before = max(not_before, excluded.not_before)
                RETURNING not_before
                """;
            command.Parameters.AddWithValue("$scope", scope);
            command.Parameters.AddWithValue("$not_before", notBefore);
            return (long)command.ExecuteScalar()!;
        }
    }

    public IReadOnlyList<(string Scope, long NotBefore)> All()
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT scope, not_before FROM token_rotations";
            using var reader = command.ExecuteReader();
            var rows = new List<(string, long)>();
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetInt64(1)));
            }

            return rows;
        }
    }

    public void Dispose() => _connection.Dispose();

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

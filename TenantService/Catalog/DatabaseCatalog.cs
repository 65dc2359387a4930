using System.Globalization;
using Microsoft.Data.Sqlite;
using Tenancy.Databases;
using Tenancy.Metadata;

namespace TenantService.Catalog;

/// <summary>
/// The control plane's records in platform.db: which databases exist, their ids, kinds, schemas and
/// versions. One connection serialised by a lock: SQLite allows one writer anyway, and reused
/// prepared statements keep a create well under a millisecond here. Commits are not flushed one by one: a caller
/// that acknowledges a change waits for <see cref="CatalogFlush"/>, which flushes the log once for every commit before it.
/// </summary>
internal sealed class DatabaseCatalog : IDisposable
{
    private const string Columns = "name, db_id, kind, schema_name, group_name, version, created_at, block_reads, block_writes, storage_backend, storage_url";
    private const int SqliteConstraint = 19;

    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _find;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _countChildren;
    private readonly SqliteCommand _insertMove;
    private readonly SqliteCommand _forgetRemoteCreate;

    /// <param name="connection">An open connection to platform.db.</param>
    public DatabaseCatalog(SqliteConnection connection)
    {
        _connection = connection;
        if (_connection.State != System.Data.ConnectionState.Open)
        {
            _connection.Open();
        }

        // In WAL mode NORMAL never corrupts and survives any crash of this process; what must survive a power loss is flushed by
        // CatalogFlush before it is acknowledged, once for many commits (group commit) instead of once per commit as FULL would.
        using (var synchronous = Command("PRAGMA synchronous = NORMAL"))
        {
            synchronous.ExecuteNonQuery();
        }

        ApplySchema();
        _find = Prepare($"SELECT {Columns} FROM databases WHERE name = $name", "$name");
        _countChildren = Prepare("SELECT count(*) FROM databases WHERE schema_name = $schema", "$schema");
        // A child is inserted only while its schema database is still there, in the same statement.
        _insert = Prepare(
            $"""
            INSERT INTO databases ({Columns})
            SELECT $name, $db_id, $kind, $schema_name, $group_name, $version, $created_at, $block_reads, $block_writes, $storage_backend, $storage_url
            WHERE $schema_name IS NULL OR EXISTS (SELECT 1 FROM databases WHERE name = $schema_name AND kind = 'schema')
            """,
            "$name", "$db_id", "$kind", "$schema_name", "$group_name", "$version", "$created_at", "$block_reads", "$block_writes", "$storage_backend", "$storage_url");
        _insertMove = Prepare("INSERT OR REPLACE INTO pending_moves (name, source) VALUES ($name, $source)", "$name", "$source");
        _forgetRemoteCreate = Prepare("DELETE FROM remote_creates WHERE name = $name", "$name");
    }

    /// <summary>The path of platform.db's write-ahead log, which <see cref="CatalogFlush"/> flushes.</summary>
    public string LogPath => _connection.DataSource + "-wal";

    /// <summary>True when platform.db had no tables before this start.</summary>
    public bool WasCreated { get; private set; }

    public DatabaseEntry? Find(DatabaseName name)
    {
        lock (_gate)
        {
            _find.Parameters[0].Value = name.Value;
            using var reader = _find.ExecuteReader();
            return reader.Read() ? Read(reader) : null;
        }
    }

    /// <summary>
    /// Inserts a record; with <paramref name="movedFrom"/> (the pool file its database file was renamed from, not yet flushed)
    /// also a pending move, in the same transaction, so start-up can redo a rename that a power loss took back.
    /// </summary>
    public CatalogInsertOutcome TryInsert(DatabaseEntry entry, string? movedFrom = null)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            _insert.Transaction = transaction;
            _insertMove.Transaction = transaction;
            _forgetRemoteCreate.Transaction = transaction;
            try
            {
                var outcome = InsertLocked(entry);
                if (outcome == CatalogInsertOutcome.Inserted && movedFrom is not null)
                {
                    _insertMove.Parameters[0].Value = entry.Name.Value;
                    _insertMove.Parameters[1].Value = movedFrom;
                    _insertMove.ExecuteNonQuery();
                }

                if (outcome == CatalogInsertOutcome.Inserted && entry.Placement is not null)
                {
                    // The remote database is recorded: it is no longer an interrupted create's to clean up.
                    _forgetRemoteCreate.Parameters[0].Value = entry.Name.Value;
                    _forgetRemoteCreate.ExecuteNonQuery();
                }

                transaction.Commit();
                return outcome;
            }
            finally
            {
                _insert.Transaction = null;
                _insertMove.Transaction = null;
                _forgetRemoteCreate.Transaction = null;
            }
        }
    }

    /// <summary>
    /// Notes that <paramref name="name"/> is about to be created on storage backend <paramref name="backend"/>: until its record
    /// is inserted (which forgets this note in the same transaction), a database of that name there is this node's half-made one.
    /// </summary>
    public void BeginRemoteCreate(DatabaseName name, string backend)
    {
        lock (_gate)
        {
            using var command = Command("INSERT OR REPLACE INTO remote_creates (name, backend) VALUES ($name, $backend)", ("$name", name.Value), ("$backend", backend));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Forgets a remote create whose database is gone again (never made, or deleted after a failure).</summary>
    public void ForgetRemoteCreate(DatabaseName name)
    {
        lock (_gate)
        {
            _forgetRemoteCreate.Parameters[0].Value = name.Value;
            _forgetRemoteCreate.ExecuteNonQuery();
        }
    }

    /// <summary>The remote creates begun and neither recorded nor cleaned up (a crash or a backend that was down): name and backend.</summary>
    public IReadOnlyList<(DatabaseName Name, string Backend)> InterruptedRemoteCreates(DatabaseName? name = null)
    {
        lock (_gate)
        {
            using var command = Command("SELECT name, backend FROM remote_creates WHERE $name IS NULL OR name = $name ORDER BY name LIMIT 1000", ("$name", name?.Value));
            using var reader = command.ExecuteReader();
            var creates = new List<(DatabaseName, string)>();
            while (reader.Read())
            {
                creates.Add((DatabaseName.Parse(reader.GetString(0)), reader.GetString(1)));
            }

            return creates;
        }
    }

    /// <summary>Up to <paramref name="limit"/> creates whose rename is not known to be on disk yet: name and pool file.</summary>
    public IReadOnlyList<(DatabaseName Name, string Source)> PendingMoves(int limit)
    {
        lock (_gate)
        {
            using var command = Command("SELECT name, source FROM pending_moves ORDER BY name LIMIT $limit", ("$limit", limit));
            using var reader = command.ExecuteReader();
            var moves = new List<(DatabaseName, string)>();
            while (reader.Read())
            {
                moves.Add((DatabaseName.Parse(reader.GetString(0)), reader.GetString(1)));
            }

            return moves;
        }
    }

    /// <summary>Forgets pending moves whose folders are flushed; by name and source, so a later create of the same name stays.</summary>
    public void ForgetMoves(IReadOnlyCollection<(DatabaseName Name, string Source)> moves)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var forget = Command("DELETE FROM pending_moves WHERE name = $name AND source = $source", ("$name", null), ("$source", null));
            forget.Transaction = transaction;
            foreach (var (name, source) in moves)
            {
                forget.Parameters[0].Value = name.Value;
                forget.Parameters[1].Value = source;
                forget.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    private CatalogInsertOutcome InsertLocked(DatabaseEntry entry)
    {
        var p = _insert.Parameters;
        p[0].Value = entry.Name.Value;
        p[1].Value = entry.DbId.ToString();
        p[2].Value = KindText(entry.Kind);
        p[3].Value = entry.Schema is { } schema ? schema.Value : DBNull.Value;
        p[4].Value = entry.Group;
        p[5].Value = entry.Version;
        p[6].Value = entry.CreatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        p[7].Value = entry.BlockReads ? 1 : 0;
        p[8].Value = entry.BlockWrites ? 1 : 0;
        p[9].Value = entry.Placement is { } placement ? placement.Backend : DBNull.Value;
        p[10].Value = entry.Placement is { } at ? at.Url.ToString() : DBNull.Value;
        try
        {
            return _insert.ExecuteNonQuery() == 1 ? CatalogInsertOutcome.Inserted : CatalogInsertOutcome.SchemaMissing;
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteConstraint)
        {
            return CatalogInsertOutcome.NameTaken;
        }
    }

    /// <summary>Deletes a record; a schema database's record stays while any child refers to it.</summary>
    public CatalogDeleteOutcome Delete(DatabaseName name, out int children)
    {
        lock (_gate)
        {
            children = CountChildrenLocked(name);
            if (children > 0)
            {
                return CatalogDeleteOutcome.HasChildren;
            }

            using var forget = Command("DELETE FROM pending_moves WHERE name = $name", ("$name", name.Value));
            forget.ExecuteNonQuery();
            using var delete = Command("DELETE FROM databases WHERE name = $name", ("$name", name.Value));
            return delete.ExecuteNonQuery() == 1 ? CatalogDeleteOutcome.Deleted : CatalogDeleteOutcome.NotFound;
        }
    }

    public int CountChildren(DatabaseName schema)
    {
        lock (_gate)
        {
            return CountChildrenLocked(schema);
        }
    }

    public IReadOnlyList<DatabaseEntry> List(DatabaseFilter filter)
    {
        lock (_gate)
        {
            using var command = Command(
                $"""
                SELECT {Columns} FROM databases
                WHERE ($schema IS NULL OR schema_name = $schema)
                  AND ($kind IS NULL OR kind = $kind)
                  AND ($group IS NULL OR group_name = $group)
                ORDER BY name
                """,
                ("$schema", filter.Schema?.Value),
                ("$kind", filter.Kind is { } kind ? KindText(kind) : null),
                ("$group", filter.Group));
            return ReadAll(command);
        }
    }

    /// <summary>Up to <paramref name="count"/> records after <paramref name="after"/> by name: keyset paging for sweeps over every database.</summary>
    public IReadOnlyList<DatabaseEntry> Page(string after, int count)
    {
        lock (_gate)
        {
            using var command = Command(
                $"SELECT {Columns} FROM databases WHERE name > $after ORDER BY name LIMIT $count",
                ("$after", after), ("$count", count));
            return ReadAll(command);
        }
    }

    /// <summary>Up to <paramref name="limit"/> children of <paramref name="schema"/> whose version is below <paramref name="version"/>.</summary>
    public IReadOnlyList<DatabaseEntry> ChildrenBelow(DatabaseName schema, long version, int limit)
    {
        lock (_gate)
        {
            using var command = Command(
                $"SELECT {Columns} FROM databases WHERE schema_name = $schema AND version < $version ORDER BY name LIMIT $limit",
                ("$schema", schema.Value), ("$version", version), ("$limit", limit));
            return ReadAll(command);
        }
    }

    public void SetVersion(DatabaseName name, int version)
    {
        lock (_gate)
        {
            using var command = Command("UPDATE databases SET version = $version WHERE name = $name", ("$version", version), ("$name", name.Value));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Claims a webhook delivery id: true when it is new, false when it was claimed within <paramref name="window"/>.</summary>
    public bool TryClaimDelivery(string id, DateTimeOffset now, TimeSpan window)
    {
        lock (_gate)
        {
            using var expire = Command("DELETE FROM webhook_deliveries WHERE claimed_at < $cutoff", ("$cutoff", (now - window).ToUnixTimeMilliseconds()));
            expire.ExecuteNonQuery();
            using var claim = Command("INSERT OR IGNORE INTO webhook_deliveries (id, claimed_at) VALUES ($id, $now)", ("$id", id), ("$now", now.ToUnixTimeMilliseconds()));
            return claim.ExecuteNonQuery() == 1;
        }
    }

    /// <summary>Forgets a claimed delivery whose handling failed, so the sender's retry is acted on.</summary>
    public void ReleaseDelivery(string id)
    {
        lock (_gate)
        {
            using var release = Command("DELETE FROM webhook_deliveries WHERE id = $id", ("$id", id));
            release.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Records the live blocks of a database: a migration's write block, a delete's read block; with <paramref name="version"/>
    /// also its new schema version, in the same statement (a migrated child's release is one commit, not two).
    /// </summary>
    public void SetBlocks(DatabaseName name, bool blockWrites, bool blockReads, int? version = null)
    {
        lock (_gate)
        {
            using var command = Command(
                "UPDATE databases SET block_writes = $writes, block_reads = $reads, version = coalesce($version, version) WHERE name = $name",
                ("$writes", blockWrites ? 1 : 0), ("$reads", blockReads ? 1 : 0), ("$version", version), ("$name", name.Value));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Records the blocks of many databases in one transaction: one commit for every change of a group (group commit).</summary>
    public void SetBlocks(IReadOnlyCollection<BlockChange> changes)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var command = Command(
                "UPDATE databases SET block_writes = $writes, block_reads = $reads, version = coalesce($version, version) WHERE name = $name",
                ("$writes", null), ("$reads", null), ("$version", null), ("$name", null));
            command.Transaction = transaction;
            foreach (var change in changes)
            {
                command.Parameters[0].Value = change.BlockWrites ? 1 : 0;
                command.Parameters[1].Value = change.BlockReads ? 1 : 0;
                command.Parameters[2].Value = change.Version is { } version ? version : DBNull.Value;
                command.Parameters[3].Value = change.Name.Value;
                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    /// <summary>Clears the read blocks of deletes that a crash interrupted: deletes are not resumed, the database stays.</summary>
    /// <returns>How many databases were unblocked.</returns>
    public int ClearReadBlocks()
    {
        lock (_gate)
        {
            using var command = Command("UPDATE databases SET block_reads = 0 WHERE block_reads != 0");
            return command.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _find.Dispose();
            _insert.Dispose();
            _insertMove.Dispose();
            _forgetRemoteCreate.Dispose();
            _countChildren.Dispose();
            _connection.Dispose();
        }
    }

    private int CountChildrenLocked(DatabaseName schema)
    {
        _countChildren.Parameters[0].Value = schema.Value;
        return Convert.ToInt32(_countChildren.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private void ApplySchema()
    {
        using var version = Command("PRAGMA user_version");
        var applied = Convert.ToInt32(version.ExecuteScalar(), CultureInfo.InvariantCulture);
        WasCreated = applied == 0;
        for (var step = applied; step < PlatformSchema.Steps.Count; step++)
        {
            using var transaction = _connection.BeginTransaction();
            using var command = Command(PlatformSchema.Steps[step]);
            command.Transaction = transaction;
            command.ExecuteNonQuery();
            using var bump = Command(string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {step + 1}"));
            bump.Transaction = transaction;
            bump.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new SqliteParameter(parameter, DBNull.Value));
        }

        command.Prepare();
        return command;
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (parameterName, value) in parameters)
        {
            command.Parameters.AddWithValue(parameterName, value ?? DBNull.Value);
        }

        return command;
    }

    private static List<DatabaseEntry> ReadAll(SqliteCommand command)
    {
        var entries = new List<DatabaseEntry>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            entries.Add(Read(reader));
        }

        return entries;
    }

    private static DatabaseEntry Read(SqliteDataReader reader) => new(
        DatabaseName.Parse(reader.GetString(0)),
        Guid.Parse(reader.GetString(1)),
        ParseKind(reader.GetString(2)),
        reader.IsDBNull(3) ? null : DatabaseName.Parse(reader.GetString(3)),
        reader.GetString(4),
        reader.GetInt32(5),
        DateTimeOffset.Parse(reader.GetString(6), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        reader.GetInt64(7) != 0,
        reader.GetInt64(8) != 0,
        reader.IsDBNull(9) ? null : new DatabasePlacement(reader.GetString(9), new Uri(reader.GetString(10))));

    private static string KindText(DatabaseKind kind) => kind switch
    {
        DatabaseKind.Schema => "schema",
        DatabaseKind.Child => "child",
        DatabaseKind.Standalone => "standalone",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "platform.db records only schema, child and standalone databases."),
    };

    private static DatabaseKind ParseKind(string kind) => kind switch
    {
        "schema" => DatabaseKind.Schema,
        "child" => DatabaseKind.Child,
        _ => DatabaseKind.Standalone,
    };
}

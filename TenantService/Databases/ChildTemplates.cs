using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Tenancy.Databases;

namespace TenantService.Databases;

/// <summary>
/// One <see cref="ChildTemplate"/> per schema database, kept current: each use checks the schema database's
/// schema cookie and version on a connection kept open for it (microseconds), and rebuilds the template
/// when either moved, whoever changed it. Children copy the schema only, never rows: Turso children
/// start empty, and a schema database's rows (if anyone wrote some) are not tenant data to hand out.
/// </summary>
internal sealed partial class ChildTemplates(TenantDatabaseFactory factory, ILogger<ChildTemplates> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, SchemaSource> _sources = new(StringComparer.Ordinal);
    private readonly Lazy<byte[]> _empty = new(() => BuildEmpty(factory));

    /// <summary>A new, empty database with no tables at version 0, for standalone and schema databases.</summary>
    public byte[] Empty => _empty.Value;

    /// <summary>The current template of <paramref name="schema"/>.</summary>
    /// <exception cref="FileNotFoundException">The schema database has no file.</exception>
    public ChildTemplate Get(DatabaseName schema)
    {
        while (true)
        {
            var source = _sources.GetOrAdd(schema.Value, static (_, state) => new SchemaSource(state.factory, state.schema), (factory, schema));
            if (source.TryGet(logger, out var template))
            {
                return template;
            }

            // A source disposed by Forget while we looked it up: take the fresh one.
            _sources.TryRemove(new KeyValuePair<string, SchemaSource>(schema.Value, source));
        }
    }

    /// <summary>Drops what is kept for a schema database that was deleted.</summary>
    public void Forget(DatabaseName schema)
    {
        if (_sources.TryRemove(schema.Value, out var source))
        {
            source.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var source in _sources.Values)
        {
            source.Dispose();
        }

        _sources.Clear();
    }

    private static byte[] BuildEmpty(TenantDatabaseFactory factory) => Build(factory, [], 0);

    private static byte[] Build(TenantDatabaseFactory factory, IReadOnlyList<string> statements, long version)
    {
        var directory = Path.Combine(factory.Layout.DatabasesDirectory, ".templates");
        var path = Path.Combine(directory, $".template.{Guid.NewGuid():N}{DurableFile.TemporarySuffix}");
        try
        {
            using (var connection = factory.Create(path, DatabaseKind.Schema))
            {
                using var transaction = connection.BeginTransaction();
                foreach (var statement in statements)
                {
                    using var command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = statement;
                    command.ExecuteNonQuery();
                }

                DatabaseVersion.Write(connection, version, transaction);
                transaction.Commit();
            }

            // The last connection closed: SQLite checkpointed and removed the WAL, the file is whole.
            return File.ReadAllBytes(path);
        }
        finally
        {
            DurableFile.DeleteDatabase(path);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema database '{Schema}' changed (version {Version}); children now start from its new tables.")]
    private static partial void LogTemplateBuilt(ILogger logger, string schema, long version);

    /// <summary>A schema database's open connection and latest template.</summary>
    private sealed class SchemaSource(TenantDatabaseFactory factory, DatabaseName schema) : IDisposable
    {
        private readonly Lock _gate = new();
        private SqliteConnection? _connection;
        private ChildTemplate? _template;
        private bool _disposed;

        public bool TryGet(ILogger logger, out ChildTemplate template)
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    template = null!;
                    return false;
                }

                _connection ??= factory.Open(schema, DatabaseKind.Schema, readOnly: true);
                var (cookie, version) = ReadMarks(_connection);
                if (_template is { } current && current.SchemaCookie == cookie && current.Version == version)
                {
                    template = current;
                    return true;
                }

                template = Snapshot(_connection);
                _template = template;
                LogTemplateBuilt(logger, schema.Value, template.Version);
                return true;
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
                _connection?.Dispose();
                _connection = null;
            }
        }

        private ChildTemplate Snapshot(SqliteConnection connection)
        {
            // One read transaction: the tables and the version come from the same moment.
            using var transaction = connection.BeginTransaction(deferred: true);
            var (cookie, version) = ReadMarks(connection, transaction);
            var statements = ReadSchema(connection, transaction);
            transaction.Commit();
            return new ChildTemplate(version, cookie, Build(factory, statements, version), statements);
        }

        private static (long Cookie, long Version) ReadMarks(SqliteConnection connection, SqliteTransaction? transaction = null)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT schema_version, user_version FROM pragma_schema_version(), pragma_user_version()";
            using var reader = command.ExecuteReader();
            reader.Read();
            return (reader.GetInt64(0), reader.GetInt64(1));
        }

        private static List<string> ReadSchema(SqliteConnection connection, SqliteTransaction transaction)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            // Tables, then indexes, views and triggers, each in creation order; SQLite's own objects and the
            // shadow tables a virtual table makes for itself are created by SQLite, not copied.
            command.CommandText =
                """
                SELECT s.sql FROM sqlite_schema AS s
                WHERE s.sql IS NOT NULL AND s.name NOT LIKE 'sqlite\_%' ESCAPE '\'
                  AND NOT EXISTS (SELECT 1 FROM pragma_table_list AS t WHERE t.schema = 'main' AND t.name = s.name AND t.type = 'shadow')
                ORDER BY CASE s.type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, s.rowid
                """;
            var statements = new List<string>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                statements.Add(reader.GetString(0));
            }

            return statements;
        }
    }
}

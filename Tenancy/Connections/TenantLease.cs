using Microsoft.Data.Sqlite;
using Tenancy.Databases;
using Tenancy.Metadata;

namespace Tenancy.Connections;

/// <summary>
/// A tenant connection handed out by <see cref="TenantConnectionCache"/>: the writer for
/// <see cref="TenantAccessMode.Write"/> and <see cref="TenantAccessMode.Maintenance"/>, a reader otherwise. Use it on one flow at a time; dispose it to hand it back.
/// </summary>
public sealed class TenantLease : ITenantSession
{
    private readonly TenantConnections _owner;
    private readonly PooledConnection _connection;
    private readonly IDisposable? _hold;
    private readonly bool _writer;
    // Set while a read holds the writer connection.
    private readonly IDisposable? _readsOnly;
    private int _disposed;

    internal TenantLease(TenantConnections owner, PooledConnection connection, TenantAccessMode mode, bool writer, IDisposable? hold)
    {
        _owner = owner;
        _connection = connection;
        _writer = writer;
        _hold = hold;
        Mode = mode;
        Tenant = owner.Record;
        _readsOnly = writer && mode == TenantAccessMode.Read ? ConnectionGuard.Find(connection.Connection)?.OnlyReads() : null;
    }

    /// <summary>The tenant database.</summary>
    public DatabaseName Database => Tenant.Name;

    /// <summary>The tenant's metadata when the lease was granted (schema version, blocks).</summary>
    public TenantRecord Tenant { get; }

    /// <summary>Whether this is the writer (for a write or the platform's maintenance) or a reader.</summary>
    public TenantAccessMode Mode { get; }

    /// <summary>The underlying connection, for transactions; prefer <see cref="Command"/> for statements.</summary>
    public SqliteConnection Connection => _connection.Connection;

    /// <summary>A traced command for <paramref name="sql"/>, prepared once per connection and reused while it is warm.</summary>
    /// <param name="sql">A parameterized statement (values as parameters, so traces carry no tenant data).</param>
    /// <returns>The command; dispose it when done with its results.</returns>
    public TenantCommand Command(string sql)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return new TenantCommand(_connection.Prepare(sql, readsOnly: _readsOnly is not null), owned: false, Database.Value);
    }

    /// <inheritdoc/>
    public async Task<List<T>> QueryAsync<T>(string sql, Func<ITenantRow, T> read, int maxRows, CancellationToken cancellationToken, params (string Name, object? Value)[] arguments)
    {
        using var command = Bound(sql, arguments);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var row = new Row(reader);
        var rows = new List<T>(Math.Min(maxRows, 64));
        while (rows.Count < maxRows && await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(row));
        }

        return rows;
    }

    /// <inheritdoc/>
    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] arguments)
    {
        using var command = Bound(sql, arguments);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Hands the connection back to the cache.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _readsOnly?.Dispose();
            _owner.Return(_connection, _writer);
            _hold?.Dispose();
        }
    }

    private TenantCommand Bound(string sql, (string Name, object? Value)[] arguments)
    {
        var command = Command(sql);
        foreach (var (name, value) in arguments)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private sealed class Row(SqliteDataReader reader) : ITenantRow
    {
        public long GetInt64(int ordinal) => reader.GetInt64(ordinal);

        public string GetString(int ordinal) => reader.GetString(ordinal);

        public bool IsNull(int ordinal) => reader.IsDBNull(ordinal);
    }
}

using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Tenancy.Databases;
using Tenancy.Metadata;

namespace Tenancy.Connections;

/// <summary>
/// A libSQL stream's own connection to a tenant database, from <see cref="TenantConnectionCache.OpenStreamAsync"/>: kept
/// across requests so a transaction can span them, held back by the tenant's write gate like every writer, and taken
/// back by the platform (its transaction rolled back) when a migration needs the write lock or the database is closed
/// for a delete. Use it from one request at a time, between <see cref="TryEnter"/> and <see cref="Exit"/>.
/// </summary>
public sealed class TenantStream
{
    private readonly TenantConnections _owner;
    private readonly PooledConnection _connection;
    private readonly TimeSpan _writeBlockWait;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private DatabaseRefusal? _revoked;
    private bool _inUse;
    private bool _ended;

    internal TenantStream(TenantConnections owner, PooledConnection connection, TimeSpan writeBlockWait, TimeProvider time)
    {
        _owner = owner;
        _connection = connection;
        _writeBlockWait = writeBlockWait;
        _time = time;
        Handle = connection.Connection.Handle!;
    }

    /// <summary>The tenant database.</summary>
    public DatabaseName Database => _owner.Record.Name;

    /// <summary>The tenant's current metadata (kind, schema, version, blocks).</summary>
    public TenantRecord Tenant => _owner.Record;

    /// <summary>The connection, for the factory's explanations of errors.</summary>
    public SqliteConnection Connection => _connection.Connection;

    /// <summary>The native handle, for SQLite's own API.</summary>
    public sqlite3 Handle { get; }

    /// <summary>Why the platform took the connection back, or <c>null</c> while the stream may go on.</summary>
    public DatabaseRefusal? Revoked => Volatile.Read(ref _revoked);

    /// <summary>Starts one request on the stream; false when the connection was taken back (see <see cref="Revoked"/>).</summary>
    /// <returns>Whether the request may use the connection.</returns>
    public bool TryEnter()
    {
        lock (_lock)
        {
            _inUse = _revoked is null && !_ended;
            return _inUse;
        }
    }

    /// <summary>Ends one request; a connection taken back meanwhile closes now, rolling back its transaction.</summary>
    public void Exit()
    {
        lock (_lock)
        {
            _inUse = false;
            if (_revoked is null || _ended)
            {
                return;
            }

            _ended = true;
        }

        _owner.EndStream(this, _connection, reusable: false);
    }

    /// <summary>
    /// Waits for the tenant's write gate before a write: up to the cache's <see cref="TenantConnectionCacheOptions.WriteBlockWait"/>
    /// while a migration blocks writes. Returns immediately when nothing blocks them.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>False when writes stayed blocked: refuse the write with a retry hint.</returns>
    public ValueTask<bool> WaitWritableAsync(CancellationToken cancellationToken) =>
        _owner.Gate.WaitOpenAsync(_writeBlockWait, _time, cancellationToken);

    /// <summary>The prepared statement kept for <paramref name="sql"/> on this connection, or <c>null</c>; the caller owns it until <see cref="KeepStatement"/>.</summary>
    /// <param name="sql">The exact SQL text.</param>
    /// <returns>A reset, unbound statement, or <c>null</c> when there is none (or the schema may have changed since).</returns>
    public sqlite3_stmt? TakeStatement(string sql) => _connection.TakeStatement(sql, _owner.StatementsEpoch);

    /// <summary>Keeps a statement prepared from exactly <paramref name="sql"/> for reuse on this connection (or finalizes it).</summary>
    /// <param name="sql">The SQL text it was prepared from.</param>
    /// <param name="statement">The statement; reset and unbound here.</param>
    public void KeepStatement(string sql, sqlite3_stmt statement) => _connection.KeepStatement(sql, statement, _owner.StatementsEpoch);

    /// <summary>Ends the stream: its connection serves the next stream when <paramref name="reusable"/> (as good as a fresh one), else closes.</summary>
    /// <param name="reusable">No transaction open, no PRAGMA or temporary objects left behind.</param>
    public void End(bool reusable)
    {
        lock (_lock)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            _inUse = false;
            reusable &= _revoked is null && raw.sqlite3_get_autocommit(Handle) != 0;
        }

        _owner.EndStream(this, _connection, reusable);
    }

    /// <summary>Interrupts the statement running now, if any (the client went away); the stream's next statement runs normally.</summary>
    public void Interrupt() => raw.sqlite3_interrupt(Handle);

    /// <summary>Holds the write lock between requests, or (in a request) has a transaction open that may hold it.</summary>
    internal bool InWriteTransaction
    {
        get
        {
            lock (_lock)
            {
                // In a request the connection's mutex may be busy for a whole statement; autocommit is a lock-free look.
                return !_ended && (_inUse
                    ? raw.sqlite3_get_autocommit(Handle) == 0
                    : NativeSqlite.TransactionState(Handle.DangerousGetHandle(), IntPtr.Zero) == NativeSqlite.TransactionWrite);
            }
        }
    }

    /// <summary>Takes the connection back: between requests it closes now; in a request what runs is interrupted and it closes at <see cref="Exit"/>.</summary>
    internal void Revoke(DatabaseRefusal refusal)
    {
        lock (_lock)
        {
            if (_revoked is not null || _ended)
            {
                return;
            }

            _revoked = refusal;
            if (_inUse)
            {
                ConnectionGuard.Require(_connection.Connection).Revoke(Handle, refusal);
                return;
            }

            _ended = true;
        }

        _owner.EndStream(this, _connection, reusable: false);
    }

    internal static DatabaseRefusal Preempted(DatabaseName database, TimeSpan grace) => new(
        DatabaseRefusalReason.ConnectionRevoked,
        string.Create(CultureInfo.InvariantCulture,
            $"Your transaction on database '{database.Value}' was rolled back: a schema migration needed the write lock and waited {grace.TotalSeconds:0.###} s for it. Run the transaction again."));

    internal static DatabaseRefusal Closed(DatabaseName database) => new(
        DatabaseRefusalReason.ConnectionRevoked,
        $"Database '{database.Value}' is being deleted or replaced; this stream's connection was closed and any open transaction rolled back. Open a new stream.");
}

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
/// for a delete. Use it from one request at a time, between <see cref="TryEnter"/> and <see cref="Exit"/>. A transaction is
/// limited in time (<see cref="EndTransactionIfOlderThan"/>), and one holding an old snapshot is rolled back when the tenant's
/// WAL passes its bound, so a checkpoint can pass it.
/// </summary>
public sealed class TenantStream
{
    private readonly TenantConnections _owner;
    private readonly PooledConnection _connection;
    private readonly TimeSpan _writeBlockWait;
    private readonly TimeProvider _time;
    private readonly ConnectionGuard _guard;
    private readonly Lock _lock = new();
    private DatabaseRefusal? _revoked;
    private bool _inUse;
    private bool _ended;
    // The last time a statement started outside a transaction: any transaction open now began no earlier.
    private long _autocommitSeenAt;

    internal TenantStream(TenantConnections owner, PooledConnection connection, TimeSpan writeBlockWait, TimeProvider time)
    {
        _owner = owner;
        _connection = connection;
        _writeBlockWait = writeBlockWait;
        _time = time;
        Handle = connection.Connection.Handle!;
        _guard = ConnectionGuard.Require(connection.Connection);
        _autocommitSeenAt = time.GetTimestamp();
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
        // Still in the request: nobody else closes the connection while it is in use.
        BoundWalIfOver();
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

    /// <summary>
    /// Call in a request as each statement starts: rolls back a transaction open longer than <paramref name="maxTransaction"/>
    /// (<see cref="Revoked"/> then says why), and bounds the tenant's WAL if this connection's last commit left it past its bound.
    /// </summary>
    /// <param name="maxTransaction">The longest a transaction may stay open.</param>
    public void StatementStarting(TimeSpan maxTransaction)
    {
        BoundWalIfOver();
        EndTransactionIfOlderThan(maxTransaction);
    }

    /// <summary>
    /// Takes the connection back, rolling its transaction back, when the transaction has been open longer than <paramref name="limit"/>:
    /// in a request (see <see cref="StatementStarting"/>) or between requests (the stream registry's sweeper).
    /// </summary>
    /// <param name="limit">The longest a transaction may stay open.</param>
    /// <returns>True when the transaction was ended now.</returns>
    public bool EndTransactionIfOlderThan(TimeSpan limit)
    {
        lock (_lock)
        {
            if (_ended || _revoked is not null)
            {
                return false;
            }

            if (raw.sqlite3_get_autocommit(Handle) != 0)
            {
                _autocommitSeenAt = _time.GetTimestamp();
                return false;
            }

            if (_time.GetElapsedTime(_autocommitSeenAt) <= limit)
            {
                return false;
            }
        }

        Revoke(TimedOut(Database, limit));
        return true;
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

    /// <summary>In a transaction: between requests one that has read (holding a snapshot), in a request any.</summary>
    internal bool InTransaction
    {
        get
        {
            lock (_lock)
            {
                return !_ended && (_inUse
                    ? raw.sqlite3_get_autocommit(Handle) == 0
                    : NativeSqlite.TransactionState(Handle.DangerousGetHandle(), IntPtr.Zero) != NativeSqlite.TransactionNone);
            }
        }
    }

    /// <summary>Takes the connection back: between requests it closes now; in a request what runs is interrupted and it closes at <see cref="Exit"/>.</summary>
    // Runs while the connection is in this request's hands: after a commit on it, or before a statement.
    private void BoundWalIfOver()
    {
        if (_guard.TakeWalOverBound())
        {
            _owner.BoundWal(_connection, this);
        }
    }

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

    internal static DatabaseRefusal TimedOut(DatabaseName database, TimeSpan limit) => new(
        DatabaseRefusalReason.TransactionTimeout,
        string.Create(CultureInfo.InvariantCulture,
            $"Your transaction on database '{database.Value}' was open longer than the {limit.TotalSeconds:0.###} s limit for a transaction on a libSQL stream (HRANA_MAX_TRANSACTION_MS) and was rolled back; this stream is closed. Open a new stream, run the transaction again, and keep it shorter."));

    internal static DatabaseRefusal WalBounded(DatabaseName database, long maxWalBytes) => new(
        DatabaseRefusalReason.ConnectionRevoked,
        string.Create(CultureInfo.InvariantCulture,
            $"Your transaction on database '{database.Value}' was rolled back and this stream closed: it held an old snapshot while the database's write-ahead log grew past its {maxWalBytes >> 20} MiB bound (Tenancy__MaxWalSizeBytes), and the log cannot be checkpointed past an open snapshot. Open a new stream and keep read transactions short while others write."));

    internal static DatabaseRefusal Closed(DatabaseName database) => new(
        DatabaseRefusalReason.ConnectionRevoked,
        $"Database '{database.Value}' is being deleted or replaced; this stream's connection was closed and any open transaction rolled back. Open a new stream.");
}

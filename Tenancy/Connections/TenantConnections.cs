using SQLitePCL;
using Tenancy.Databases;
using Tenancy.Metadata;

namespace Tenancy.Connections;

/// <summary>
/// Every open connection of one tenant in this process: one writer and a few readers (SQLite WAL) handed out as
/// leases, and the libSQL streams' own connections. Once closed, nothing new is handed out; leases and streams still
/// out close their connections when they come back, and <see cref="Drained"/> completes when the last one has.
/// </summary>
internal sealed class TenantConnections(TenantRecord record, TenantDatabaseFactory factory, int readers) : CachedTenant(record)
{
    // Kept for the next stream: opening a guarded connection costs far more than a point query.
    private const int MaxIdleStreamConnections = 4;

    private readonly SemaphoreSlim _writerSlot = new(1, 1);
    private readonly SemaphoreSlim _readerSlots = new(readers, readers);
    // Under _lock: a thousand open tenants each with a ConcurrentBag would keep per-thread queues (and finalizers) alive.
    private readonly Stack<PooledConnection> _idleReaders = new();
    private readonly Stack<PooledConnection> _idleStreamConnections = new();
    private readonly HashSet<TenantStream> _streams = [];
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private PooledConnection? _writer;
    private bool _writerLeased;
    private bool _closed;
    private int _outstanding;
    private long _statementsEpoch;

    public override string Backend => Storage.StorageBackend.Local;

    /// <summary>Completes once closed and every lease and stream has given its connection back.</summary>
    public override Task Drained => _drained.Task;

    /// <summary>Open streams keep the tenant from being evicted: closing would roll back their transactions.</summary>
    public override bool HasStreams
    {
        get
        {
            lock (_lock)
            {
                return _streams.Count > 0;
            }
        }
    }

    /// <summary>Moves on when the schema may have changed: cached native statements are prepared again.</summary>
    public long StatementsEpoch => Interlocked.Read(ref _statementsEpoch);

    public override void InvalidateStatements() => Interlocked.Increment(ref _statementsEpoch);

    /// <summary>A lease on a connection, or null when this tenant was closed meanwhile (the caller reloads).</summary>
    public async ValueTask<TenantLease?> LeaseAsync(TenantAccessMode mode, IDisposable? hold, CancellationToken cancellationToken)
    {
        if (mode == TenantAccessMode.Read && TryBorrowWriter() is { } borrowed)
        {
            return borrowed;
        }

        var writes = mode is TenantAccessMode.Write or TenantAccessMode.Maintenance;
        var slot = writes ? _writerSlot : _readerSlots;
        await slot.WaitAsync(cancellationToken);
        PooledConnection? idle = null;
        lock (_lock)
        {
            if (_closed)
            {
                slot.Release();
                return null;
            }

            _outstanding++;
            _writerLeased |= writes;
            if (!writes)
            {
                _idleReaders.TryPop(out idle);
            }
        }

        try
        {
            var connection = writes ? _writer ??= Open() : idle ?? Open(readOnly: true);
            return new TenantLease(this, connection, mode, writes, hold);
        }
        catch
        {
            Return(null, writes);
            throw;
        }
    }

    /// <summary>Gives a lease's connection back: to the writer's slot or to the idle readers.</summary>
    public void Return(PooledConnection? connection, bool writes)
    {
        if (writes && connection is not null && ConnectionGuard.Find(connection.Connection)?.TakeWalOverBound() == true)
        {
            // The writer is still this lease's: its slot is released below.
            BoundWal(connection, self: null);
        }

        bool closed;
        lock (_lock)
        {
            closed = _closed;
            if (!closed && !writes && connection is not null)
            {
                _idleReaders.Push(connection);
            }

            _writerLeased &= !writes;
            if (closed && writes)
            {
                _writer = null;
            }
        }

        if (closed)
        {
            connection?.Dispose();
        }

        (writes ? _writerSlot : _readerSlots).Release();
        Settle();
    }

    /// <summary>A stream on a connection of its own, or null when this tenant was closed meanwhile (the caller reloads).</summary>
    public TenantStream? OpenStream(TimeSpan writeBlockWait, TimeProvider time)
    {
        PooledConnection? idle;
        lock (_lock)
        {
            if (_closed)
            {
                return null;
            }

            _outstanding++;
            _idleStreamConnections.TryPop(out idle);
        }

        PooledConnection connection;
        try
        {
            connection = idle ?? Open();
        }
        catch
        {
            Settle();
            throw;
        }

        var stream = new TenantStream(this, connection, writeBlockWait, time);
        lock (_lock)
        {
            _streams.Add(stream);
            if (!_closed)
            {
                return stream;
            }
        }

        // Closed while the connection opened: the stream never starts.
        stream.Revoke(TenantStream.Closed(Record.Name));
        return null;
    }

    public void EndStream(TenantStream stream, PooledConnection connection, bool reusable)
    {
        bool kept;
        lock (_lock)
        {
            _streams.Remove(stream);
            kept = !_closed && reusable && _idleStreamConnections.Count < MaxIdleStreamConnections;
            if (kept)
            {
                _idleStreamConnections.Push(connection);
            }
        }

        if (!kept)
        {
            // Closing rolls back a transaction left open.
            connection.Dispose();
        }

        Settle();
    }

    /// <summary>
    /// Gives this process's streams up to <paramref name="grace"/> to end their write transactions, then takes back the
    /// connections of those still in one (rolling them back). Returns how many were taken back.
    /// </summary>
    public async Task<int> EndWriteTransactionsAsync(TimeSpan grace, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            List<TenantStream> writing;
            lock (_lock)
            {
                writing = [.. _streams.Where(stream => stream.InWriteTransaction)];
            }

            if (writing.Count == 0)
            {
                return 0;
            }

            if (time.GetElapsedTime(started) >= grace)
            {
                var refusal = TenantStream.Preempted(Record.Name, grace);
                writing.ForEach(stream => stream.Revoke(refusal));
                return writing.Count;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken);
        }
    }

    /// <summary>
    /// Brings the WAL back under its bound after <paramref name="committer"/>'s commit left it past it with frames a reader still
    /// needs: takes back every other stream in a transaction (rolling back the snapshots that hold the log), then checkpoints and
    /// truncates it on <paramref name="committer"/>, which the caller holds. A checkpoint that cannot pass yet is tried after the next commit.
    /// </summary>
    public void BoundWal(PooledConnection committer, TenantStream? self)
    {
        List<TenantStream> holding;
        lock (_lock)
        {
            holding = [.. _streams.Where(stream => stream != self && stream.InTransaction)];
        }

        var refusal = TenantStream.WalBounded(Record.Name, factory.Options.MaxWalSizeBytes);
        holding.ForEach(stream => stream.Revoke(refusal));
        TenancyTelemetry.WalBounded.Add(1);
        var handle = committer.Connection.Handle!;
        if (raw.sqlite3_get_autocommit(handle) == 0)
        {
            // A checkpoint cannot run inside the connection's own transaction.
            return;
        }

        // No waiting on the request's path: a reader still finishing makes this one pass partial, and the next commit retries.
        raw.sqlite3_busy_timeout(handle, 0);
        try
        {
            raw.sqlite3_wal_checkpoint_v2(handle, "main", raw.SQLITE_CHECKPOINT_TRUNCATE, out _, out _);
        }
        finally
        {
            raw.sqlite3_busy_timeout(handle, (int)factory.Options.BusyTimeout.TotalMilliseconds);
        }
    }

    /// <summary>Closes idle connections now, takes back every stream's, and closes leased ones when they come back.</summary>
    public override void Close()
    {
        PooledConnection? writer = null;
        List<PooledConnection> idle;
        List<TenantStream> streams;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            if (!_writerLeased)
            {
                (writer, _writer) = (_writer, null);
            }

            idle = [.. _idleReaders, .. _idleStreamConnections];
            _idleReaders.Clear();
            _idleStreamConnections.Clear();
            streams = [.. _streams];
        }

        idle.ForEach(connection => connection.Dispose());
        writer?.Dispose();
        var refusal = TenantStream.Closed(Record.Name);
        streams.ForEach(stream => stream.Revoke(refusal));
        Settle(returned: false);
    }

    // Counts a lease or stream coming back (returned) and completes Drained once closed and none is out.
    private void Settle(bool returned = true)
    {
        lock (_lock)
        {
            _outstanding -= returned ? 1 : 0;
            if (!_closed || _outstanding > 0)
            {
                return;
            }
        }

        _drained.TrySetResult();
    }

    // A short read takes the writer when it is free and no reader is idle: most tenants then keep one connection open, not two.
    private TenantLease? TryBorrowWriter()
    {
        lock (_lock)
        {
            if (_closed || _idleReaders.Count > 0 || !_writerSlot.Wait(0))
            {
                return null;
            }

            _outstanding++;
            _writerLeased = true;
        }

        try
        {
            return new TenantLease(this, _writer ??= Open(), TenantAccessMode.Read, writer: true, hold: null);
        }
        catch
        {
            Return(null, writes: true);
            throw;
        }
    }

    private PooledConnection Open(bool readOnly = false) =>
        new(factory.Open(Record.Name, Record.Kind, Record.Schema, readOnly));
}

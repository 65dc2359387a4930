using Tenancy.Databases;
using Tenancy.Metadata;

namespace Tenancy.Connections;

/// <summary>
/// The open connections of one tenant: one writer and a few readers (SQLite WAL), handed out as leases.
/// Once closed, leases still out close their connections when they come back.
/// </summary>
internal sealed class TenantConnections(TenantRecord record, TenantDatabaseFactory factory, int readers)
{
    private readonly SemaphoreSlim _writerSlot = new(1, 1);
    private readonly SemaphoreSlim _readerSlots = new(readers, readers);
    // Under _lock: a thousand open tenants each with a ConcurrentBag would keep per-thread queues (and finalizers) alive.
    private readonly Stack<PooledConnection> _idleReaders = new();
    private readonly Lock _lock = new();
    private PooledConnection? _writer;
    private bool _writerLeased;
    private bool _closed;

    public TenantRecord Record { get; set; } = record;

    public WriteGate Gate { get; } = new();

    public long LastUsed { get; set; }

    public LinkedListNode<TenantConnections>? Node { get; set; }

    /// <summary>A lease on a connection, or null when this tenant was closed meanwhile (the caller reloads).</summary>
    public async ValueTask<TenantLease?> LeaseAsync(TenantAccessMode mode, CancellationToken cancellationToken)
    {
        var slot = mode == TenantAccessMode.Write ? _writerSlot : _readerSlots;
        await slot.WaitAsync(cancellationToken);
        PooledConnection? idle = null;
        lock (_lock)
        {
            if (_closed)
            {
                slot.Release();
                return null;
            }

            _writerLeased |= mode == TenantAccessMode.Write;
            if (mode == TenantAccessMode.Read)
            {
                _idleReaders.TryPop(out idle);
            }
        }

        try
        {
            var connection = mode == TenantAccessMode.Write
                ? _writer ??= Open(readOnly: false)
                : idle ?? Open(readOnly: true);
            return new TenantLease(this, connection, mode);
        }
        catch
        {
            Release(mode, slot);
            throw;
        }
    }

    public void Return(PooledConnection connection, TenantAccessMode mode)
    {
        bool closed;
        lock (_lock)
        {
            closed = _closed;
            if (!closed && mode == TenantAccessMode.Read)
            {
                _idleReaders.Push(connection);
            }
        }

        if (closed)
        {
            connection.Dispose();
            if (mode == TenantAccessMode.Write)
            {
                _writer = null;
            }
        }

        Release(mode, mode == TenantAccessMode.Write ? _writerSlot : _readerSlots);
    }

    /// <summary>Closes idle connections now and leased ones when they come back.</summary>
    public void Close()
    {
        bool writerIdle;
        PooledConnection[] idleReaders;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            writerIdle = !_writerLeased;
            idleReaders = [.. _idleReaders];
            _idleReaders.Clear();
        }

        foreach (var reader in idleReaders)
        {
            reader.Dispose();
        }

        if (writerIdle)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }

    private void Release(TenantAccessMode mode, SemaphoreSlim slot)
    {
        lock (_lock)
        {
            _writerLeased &= mode != TenantAccessMode.Write;
        }

        slot.Release();
    }

    private PooledConnection Open(bool readOnly) =>
        new(factory.Open(Record.Name, Record.Kind, Record.Schema, readOnly));
}

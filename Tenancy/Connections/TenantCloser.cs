using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Tenancy.Connections;

/// <summary>
/// Closes evicted and idle tenants off the request path, on threads of its own: closing a WAL database's last connection
/// checkpoints it and waits for the disk, which would stall a thread-pool thread. The queue never holds more than the cache
/// bound, since every tenant in it still holds its slot.
/// </summary>
internal sealed class TenantCloser : IDisposable
{
    private readonly BlockingCollection<TenantConnections> _queue;
    private readonly Thread[] _threads;
    private readonly Action _closed;
    private int _pending;
    private int _disposed;

    /// <param name="concurrency">Closing threads.</param>
    /// <param name="capacity">The most tenants queued at once: the cache bound.</param>
    /// <param name="closed">Runs after each close, on the closing thread.</param>
    public TenantCloser(int concurrency, int capacity, Action closed)
    {
        _queue = new BlockingCollection<TenantConnections>(new ConcurrentQueue<TenantConnections>(), capacity);
        _closed = closed;
        _threads = [.. Enumerable.Range(0, concurrency).Select(index => new Thread(Run) { IsBackground = true, Name = $"tenant-closer-{index}" })];
        Array.ForEach(_threads, thread => thread.Start());
    }

    /// <summary>Tenants queued or being closed.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Queues <paramref name="tenants"/>, already taken out of the cache, for closing.</summary>
    public void Enqueue(List<TenantConnections> tenants)
    {
        foreach (var tenant in tenants)
        {
            Interlocked.Increment(ref _pending);
            if (!TryAdd(tenant))
            {
                // Only once stopping (or past a bound the slots make unreachable): close here rather than lose the files.
                Close(tenant);
            }
        }
    }

    /// <summary>Closes what is queued, then stops the threads.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.CompleteAdding();
        Array.ForEach(_threads, thread => thread.Join());
        _queue.Dispose();
    }

    private bool TryAdd(TenantConnections tenant)
    {
        try
        {
            return _queue.TryAdd(tenant);
        }
        catch (Exception exception) when (exception is InvalidOperationException or ObjectDisposedException)
        {
            return false;
        }
    }

    private void Run()
    {
        foreach (var tenant in _queue.GetConsumingEnumerable())
        {
            Close(tenant);
        }
    }

    private void Close(TenantConnections tenant)
    {
        try
        {
            tenant.Close();
        }
        catch (SqliteException)
        {
            // A connection that failed to close is SQLite's to finish (a zombie closed with its last statement); count it and go on.
            TenancyTelemetry.CloseFailures.Add(1);
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
            _closed();
        }
    }
}

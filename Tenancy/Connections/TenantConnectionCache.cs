using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using Tenancy.Databases;
using Tenancy.Metadata;
using Tenancy.Storage;

namespace Tenancy.Connections;

/// <summary>
/// The one owner of a process's connections to tenant databases: at most <see cref="TenantConnectionCacheOptions.MaxOpenDatabases"/>
/// open at once, least recently used closed first, idle ones closed after a while. A warm tenant costs no lookup; a cold
/// one is looked up in the <see cref="ITenantDirectory"/>. Tenant events (deleted, migrating, migrated) and close requests
/// keep it current, so write blocks, versions, deletes and the libSQL streams' connections are handled here alone.
/// A tenant whose record has a <see cref="TenantRecord.Placement"/> is served by a session on its remote libSQL server
/// instead of a local file, with the same write gate, events and idle expiry; remote tenants have a bound of their own
/// (<see cref="TenantConnectionCacheOptions.MaxRemoteDatabases"/>), since they hold no file here.
/// </summary>
public sealed class TenantConnectionCache : IDisposable
{
    private static readonly TimeSpan MaxSweepInterval = TimeSpan.FromSeconds(10);
    // A close whose delete never finished (its service died) stops refusing the name after this long.
    private static readonly TimeSpan ClosingMemory = TimeSpan.FromMinutes(5);

    private readonly TenantDatabaseFactory _factory;
    private readonly ITenantDirectory _directory;
    private readonly RemoteDatabases? _remote;
    private readonly TenantConnectionCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<DatabaseName, CachedTenant> _open = [];
    private readonly Dictionary<DatabaseName, long> _closing = [];
    // Local and remote tenants in recency orders of their own, each with its own bound.
    private readonly LinkedList<CachedTenant> _recency = new();
    private readonly LinkedList<CachedTenant> _remoteRecency = new();
    private readonly RememberedRecords _remembered;
    private readonly ITimer _idleSweep;
    private long _generation;
    private int _closedSinceTrim;

    /// <summary>Creates a cache that opens databases with <paramref name="factory"/> and looks them up in <paramref name="directory"/>.</summary>
    /// <param name="factory">Opens guarded tenant connections.</param>
    /// <param name="directory">Tenant metadata, read on a miss.</param>
    /// <param name="options">The cache's bounds.</param>
    /// <param name="time">The clock for idle expiry and waits.</param>
    /// <param name="remote">The clients of remote storage backends; without them, acquiring a tenant placed remotely throws <see cref="InvalidOperationException"/>.</param>
    public TenantConnectionCache(TenantDatabaseFactory factory, ITenantDirectory directory, TenantConnectionCacheOptions options, TimeProvider time, RemoteDatabases? remote = null)
    {
        _factory = factory;
        _directory = directory;
        _remote = remote;
        _options = options;
        _time = time;
        _remembered = new RememberedRecords(options.RememberedTenants);
        // At most 10 s apart, so the C heap is trimmed soon after evictions; idle expiry needs no finer steps than a quarter.
        var sweepEvery = TimeSpan.FromTicks(Math.Clamp(options.IdleTimeout.Ticks / 4, TimeSpan.TicksPerSecond, MaxSweepInterval.Ticks));
        _idleSweep = time.CreateTimer(_ => CloseIdle(), null, sweepEvery, sweepEvery);
        TenancyTelemetry.Meter.CreateObservableGauge("tenancy.connection_cache.open_databases", OpenMeasurements,
            description: "Tenant databases open in this process, by tenancy.storage_backend (local, or a remote backend's name).");
    }

    /// <summary>How many local tenant databases (files of this node) are open now.</summary>
    public int OpenDatabases
    {
        get
        {
            lock (_lock)
            {
                return _recency.Count;
            }
        }
    }

    /// <summary>How many remote tenant databases are kept now.</summary>
    public int RemoteDatabases
    {
        get
        {
            lock (_lock)
            {
                return _remoteRecency.Count;
            }
        }
    }

    /// <summary>
    /// Leases a connection of <paramref name="name"/>. Writes wait for a migration's write block up to
    /// <see cref="TenantConnectionCacheOptions.WriteBlockWait"/>, then are refused with a retry hint;
    /// <see cref="TenantAccessMode.Maintenance"/> holds the gate itself and takes the write lock back from streams.
    /// A tenant placed on a remote server gets a session there instead of a lease, after the same write gate (no
    /// maintenance hold: its schema work runs on that server).
    /// </summary>
    /// <param name="name">The tenant database.</param>
    /// <param name="mode">Read, write or maintenance.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The session, or why there is none.</returns>
    public async ValueTask<TenantAccess> AcquireAsync(DatabaseName name, TenantAccessMode mode, CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            var (tenant, refused) = await ResolveAsync(name);
            if (tenant is null)
            {
                return refused;
            }

            if (mode == TenantAccessMode.Write && !await tenant.Gate.WaitOpenAsync(_options.WriteBlockWait, _time, cancellationToken))
            {
                return TenantAccess.Blocked(TenantAccessStatus.WriteBlocked);
            }

            ITenantSession? session = tenant switch
            {
                TenantConnections local => await LeaseAsync(name, local, mode, cancellationToken),
                // No hold for maintenance: schema work on a remote database runs on its server, under that server's write lock.
                RemoteTenant remote => remote.Session(mode),
                _ => null,
            };
            if (session is not null)
            {
                TenancyTelemetry.WaitTime.Record(_time.GetElapsedTime(started).TotalMilliseconds, TenancyTelemetry.Backend(tenant.Backend));
                return new TenantAccess(TenantAccessStatus.Granted, session, TimeSpan.Zero);
            }
        }
    }

    /// <summary>
    /// Opens a libSQL stream on <paramref name="name"/>: a connection of its own, kept across requests, until
    /// <see cref="TenantStream.End"/>. A tenant with open streams is never evicted. Streams are of local files only: a
    /// tenant placed on a remote server is <see cref="TenantAccessStatus.NotFound"/> here (its server serves its streams).
    /// </summary>
    /// <param name="name">The tenant database.</param>
    /// <returns>The stream, or why there is none.</returns>
    public async ValueTask<TenantAccess> OpenStreamAsync(DatabaseName name)
    {
        while (true)
        {
            var (resolved, refused) = await ResolveAsync(name);
            if (resolved is not TenantConnections tenant)
            {
                return resolved is null ? refused : TenantAccess.NotFound;
            }

            TenantStream? stream;
            try
            {
                stream = tenant.OpenStream(_options.WriteBlockWait, _time);
            }
            catch (Exception exception) when (exception is FileNotFoundException or SqliteException { SqliteErrorCode: 14 })
            {
                Remove(name, tenant);
                return TenantAccess.NotFound;
            }

            if (stream is not null)
            {
                return new TenantAccess(TenantAccessStatus.Granted, null, TimeSpan.Zero, stream);
            }
        }
    }

    /// <summary>
    /// Closes <paramref name="name"/> in this process for a delete or a replacement: new leases and streams are refused
    /// (<see cref="TenantAccessStatus.ReadBlocked"/>) until a <see cref="TenantEventType.Deleted"/>, <see cref="TenantEventType.Created"/>
    /// or <see cref="TenantEventType.Reopened"/> event; open streams are taken back (their transactions rolled back); leases
    /// out are waited for up to <see cref="TenantConnectionCacheOptions.CloseTimeout"/>.
    /// </summary>
    /// <param name="name">The tenant database.</param>
    /// <returns>True when every connection of the database in this process is closed.</returns>
    public async Task<bool> CloseAsync(DatabaseName name)
    {
        CachedTenant? tenant;
        lock (_lock)
        {
            _generation++;
            _closing[name] = _time.GetTimestamp();
            _remembered.Forget(name);
            if (_open.TryGetValue(name, out tenant))
            {
                Unlink(tenant);
            }
        }

        if (tenant is null)
        {
            return true;
        }

        Close([tenant]);
        try
        {
            await tenant.Drained.WaitAsync(_options.CloseTimeout, _time);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Applies a tenant event: a deletion closes the tenant, a migration moves its write gate and version.</summary>
    /// <param name="tenantEvent">The event from <see cref="RedisKeys.EventsChannel"/>.</param>
    public void Apply(TenantEvent tenantEvent)
    {
        ArgumentNullException.ThrowIfNull(tenantEvent);
        CachedTenant? tenant;
        lock (_lock)
        {
            _generation++;
            _remembered.Forget(tenantEvent.Name);
            if (tenantEvent.Type is TenantEventType.Deleted or TenantEventType.Created or TenantEventType.Reopened)
            {
                _closing.Remove(tenantEvent.Name);
            }

            if (!_open.TryGetValue(tenantEvent.Name, out tenant))
            {
                return;
            }

            if (tenantEvent.Type == TenantEventType.Deleted)
            {
                Unlink(tenant);
            }
        }

        switch (tenantEvent.Type)
        {
            case TenantEventType.Deleted:
                Close([tenant]);
                break;
            case TenantEventType.Migrating or TenantEventType.Migrated:
                var blocked = tenantEvent.BlockWrites ?? tenantEvent.Type == TenantEventType.Migrating;
                tenant.Record = tenant.Record with { Version = tenantEvent.Version, BlockWrites = blocked };
                tenant.Gate.Set(blocked);
                tenant.InvalidateStatements();
                break;
        }
    }

    /// <summary>Closes every tenant: after a Redis reconnect, events may have been missed, so nothing cached is trusted.</summary>
    public void InvalidateAll()
    {
        List<CachedTenant> closing;
        lock (_lock)
        {
            _generation++;
            closing = [.. _open.Values];
            _open.Clear();
            _recency.Clear();
            _remoteRecency.Clear();
            closing.ForEach(tenant => tenant.Node = null);
            _remembered.Clear();
        }

        Close(closing);
    }

    /// <summary>Closes every tenant and stops the idle sweep.</summary>
    public void Dispose()
    {
        _idleSweep.Dispose();
        InvalidateAll();
    }

    private async ValueTask<TenantLease?> LeaseAsync(DatabaseName name, TenantConnections tenant, TenantAccessMode mode, CancellationToken cancellationToken)
    {
        var hold = mode == TenantAccessMode.Maintenance ? tenant.Gate.Hold() : null;
        try
        {
            if (hold is not null)
            {
                tenant.InvalidateStatements();
                await tenant.EndWriteTransactionsAsync(_options.WriteTransactionGrace, _time, cancellationToken);
            }

            var lease = await tenant.LeaseAsync(mode, hold, cancellationToken);
            if (lease is null)
            {
                hold?.Dispose();
            }

            return lease;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 14)
        {
            // SQLITE_CANTOPEN: the file is gone, the deletion event has not arrived yet.
            hold?.Dispose();
            Remove(name, tenant);
            return null;
        }
        catch
        {
            hold?.Dispose();
            throw;
        }
    }

    private async ValueTask<(CachedTenant? Tenant, TenantAccess Refused)> ResolveAsync(DatabaseName name)
    {
        CachedTenant? tenant;
        try
        {
            tenant = TryGetOpen(name) ?? await LoadAsync(name);
        }
        catch (TenantDirectoryUnavailableException)
        {
            // Warm tenants go on; a cold one cannot be looked up until the directory answers again.
            return (null, TenantAccess.Blocked(TenantAccessStatus.DirectoryUnavailable));
        }

        return tenant switch
        {
            null when IsClosing(name) => (null, TenantAccess.Blocked(TenantAccessStatus.ReadBlocked)),
            null => (null, TenantAccess.NotFound),
            { Record.BlockReads: true } => (null, TenantAccess.Blocked(TenantAccessStatus.ReadBlocked)),
            _ => (tenant, default),
        };
    }

    private CachedTenant? TryGetOpen(DatabaseName name)
    {
        CachedTenant? tenant;
        lock (_lock)
        {
            if (!_open.TryGetValue(name, out tenant))
            {
                return null;
            }

            Touch(tenant);
        }

        TenancyTelemetry.Hits.Add(1, TenancyTelemetry.Backend(tenant.Backend));
        return tenant;
    }

    private async Task<CachedTenant?> LoadAsync(DatabaseName name)
    {
        while (true)
        {
            long generation;
            lock (_lock)
            {
                if (IsClosingLocked(name))
                {
                    return null;
                }

                generation = _generation;
            }

            var record = RememberedRecord(name) ?? await _directory.FindAsync(name);
            TenancyTelemetry.Misses.Add(1, TenancyTelemetry.Backend(record?.Placement?.Backend ?? StorageBackend.Local));
            // Made outside the lock; it holds nothing, so an unused one needs no closing.
            var remote = record?.Placement is { } placement ? NewRemote(record, placement) : null;
            List<CachedTenant> evicted = [];
            CachedTenant? tenant;
            lock (_lock)
            {
                // An event arrived while the record was read: it may already be stale, read it again.
                if (generation != _generation)
                {
                    continue;
                }

                if (record is null || IsClosingLocked(name))
                {
                    // A record read before a close started may still look open; the close wins.
                    return null;
                }

                if (!_open.TryGetValue(name, out tenant))
                {
                    tenant = remote ?? (CachedTenant)new TenantConnections(record, _factory, _options.ReadersPerDatabase);
                    tenant.Gate.Set(record.BlockWrites);
                    _open[name] = tenant;
                    Touch(tenant);
                    var added = tenant;
                    var (recency, bound) = tenant is RemoteTenant ? (_remoteRecency, _options.MaxRemoteDatabases) : (_recency, _options.MaxOpenDatabases);
                    Evict(evicted, recency, () => recency.Count > bound, other => other != added);
                    evicted.ForEach(closed => _remembered.Remember(closed.Record));
                }

                Touch(tenant);
            }

            Close(evicted);
            CountEvictions(evicted);
            return tenant;
        }
    }

    private TenantRecord? RememberedRecord(DatabaseName name)
    {
        lock (_lock)
        {
            var record = _remembered.Take(name);
            if (record is not null)
            {
                TenancyTelemetry.Remembered.Add(1);
            }

            return record;
        }
    }

    private void CloseIdle()
    {
        var cutoff = _time.GetTimestamp() - (long)(_options.IdleTimeout.TotalSeconds * _time.TimestampFrequency);
        List<CachedTenant> idle = [];
        lock (_lock)
        {
            Evict(idle, _recency, () => true, tenant => tenant.LastUsed < cutoff);
            Evict(idle, _remoteRecency, () => true, tenant => tenant.LastUsed < cutoff);
            idle.ForEach(closed => _remembered.Remember(closed.Record));
            foreach (var (name, since) in _closing.ToList())
            {
                if (_time.GetElapsedTime(since) > ClosingMemory)
                {
                    _closing.Remove(name);
                }
            }
        }

        Close(idle);
        CountEvictions(idle);
        if (Interlocked.Exchange(ref _closedSinceTrim, 0) > 0)
        {
            NativeHeap.Trim();
        }
    }

    // Callers hold _lock. Walks one recency order from the least recently used while more must go; tenants with open streams stay.
    private void Evict(List<CachedTenant> evicted, LinkedList<CachedTenant> recency, Func<bool> more, Func<CachedTenant, bool> stale)
    {
        var node = recency.Last;
        while (node is not null && more() && stale(node.Value))
        {
            var previous = node.Previous;
            if (!node.Value.HasStreams)
            {
                Unlink(node.Value);
                evicted.Add(node.Value);
            }

            node = previous;
        }
    }

    private bool IsClosing(DatabaseName name)
    {
        lock (_lock)
        {
            return IsClosingLocked(name);
        }
    }

    // Callers hold _lock.
    private bool IsClosingLocked(DatabaseName name) => _closing.Count > 0 && _closing.ContainsKey(name);

    private void Close(List<CachedTenant> tenants)
    {
        tenants.ForEach(tenant => tenant.Close());
        Interlocked.Add(ref _closedSinceTrim, tenants.Count(tenant => tenant is TenantConnections));
    }

    // Closed for the bound or for idleness, not for a delete or a reload.
    private static void CountEvictions(List<CachedTenant> evicted)
    {
        foreach (var tenant in evicted)
        {
            TenancyTelemetry.Evictions.Add(1, TenancyTelemetry.Backend(tenant.Backend));
        }
    }

    private RemoteTenant? NewRemote(TenantRecord record, DatabasePlacement placement) => _remote is null
        ? throw new InvalidOperationException($"Database '{record.Name.Value}' is placed on storage backend '{placement.Backend}', but this connection cache was made without remote backends.")
        : new RemoteTenant(record, _remote.Open(placement), placement, _options.RemoteTimeout, gone => Remove(record.Name, gone));

    private void Remove(DatabaseName name, CachedTenant tenant)
    {
        lock (_lock)
        {
            if (_open.TryGetValue(name, out var current) && current == tenant)
            {
                Unlink(tenant);
            }
        }

        Close([tenant]);
    }

    // Callers hold _lock.
    private void Touch(CachedTenant tenant)
    {
        tenant.LastUsed = _time.GetTimestamp();
        var recency = RecencyOf(tenant);
        if (tenant.Node is null)
        {
            tenant.Node = recency.AddFirst(tenant);
        }
        else if (tenant.Node != recency.First)
        {
            recency.Remove(tenant.Node);
            recency.AddFirst(tenant.Node);
        }
    }

    // Callers hold _lock.
    private void Unlink(CachedTenant tenant)
    {
        _open.Remove(tenant.Record.Name);
        if (tenant.Node is not null)
        {
            RecencyOf(tenant).Remove(tenant.Node);
            tenant.Node = null;
        }
    }

    private LinkedList<CachedTenant> RecencyOf(CachedTenant tenant) => tenant is RemoteTenant ? _remoteRecency : _recency;

    // One series per place: local, and each remote backend.
    private List<Measurement<int>> OpenMeasurements()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal) { [StorageBackend.Local] = 0 };
        lock (_lock)
        {
            counts[StorageBackend.Local] = _recency.Count;
            foreach (var tenant in _remoteRecency)
            {
                counts[tenant.Backend] = counts.GetValueOrDefault(tenant.Backend) + 1;
            }
        }

        return [.. counts.Select(count => new Measurement<int>(count.Value, TenancyTelemetry.Backend(count.Key)))];
    }
}

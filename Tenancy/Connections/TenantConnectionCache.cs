using Microsoft.Data.Sqlite;
using Tenancy.Databases;
using Tenancy.Metadata;

namespace Tenancy.Connections;

/// <summary>
/// Keeps tenant databases open for a service: at most <see cref="TenantConnectionCacheOptions.MaxOpenDatabases"/>
/// at once, least recently used closed first, idle ones closed after a while. A warm tenant costs no Redis round
/// trip; a cold one reads its metadata from Redis. Tenant events (deleted, migrating, migrated) keep it current.
/// </summary>
public sealed class TenantConnectionCache : IDisposable
{
    private static readonly TimeSpan BlockedRetryAfter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxSweepInterval = TimeSpan.FromSeconds(10);

    private readonly TenantDatabaseFactory _factory;
    private readonly TenantMetadataStore _metadata;
    private readonly TenantConnectionCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<DatabaseName, TenantConnections> _open = [];
    private readonly LinkedList<TenantConnections> _recency = new();
    private readonly ITimer _idleSweep;
    private long _generation;
    private int _closedSinceTrim;

    /// <summary>Creates a cache that opens databases with <paramref name="factory"/> and reads metadata from <paramref name="metadata"/>.</summary>
    /// <param name="factory">Opens guarded tenant connections.</param>
    /// <param name="metadata">Tenant metadata in Redis, read on a miss.</param>
    /// <param name="options">The cache's bounds.</param>
    /// <param name="time">The clock for idle expiry and waits.</param>
    public TenantConnectionCache(TenantDatabaseFactory factory, TenantMetadataStore metadata, TenantConnectionCacheOptions options, TimeProvider time)
    {
        _factory = factory;
        _metadata = metadata;
        _options = options;
        _time = time;
        // At most 10 s apart, so the C heap is trimmed soon after evictions; idle expiry needs no finer steps than a quarter.
        var sweepEvery = TimeSpan.FromTicks(Math.Clamp(options.IdleTimeout.Ticks / 4, TimeSpan.TicksPerSecond, MaxSweepInterval.Ticks));
        _idleSweep = time.CreateTimer(_ => CloseIdle(), null, sweepEvery, sweepEvery);
        TenancyTelemetry.Meter.CreateObservableGauge("tenancy.connection_cache.open_databases", () => OpenDatabases,
            description: "Tenant databases open in this process.");
    }

    /// <summary>How many tenant databases are open now.</summary>
    public int OpenDatabases
    {
        get
        {
            lock (_lock)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>
    /// Leases a connection of <paramref name="name"/>. Writes wait for a migration's write block up to
    /// <see cref="TenantConnectionCacheOptions.WriteBlockWait"/>, then are refused with a retry hint.
    /// </summary>
    /// <param name="name">The tenant database.</param>
    /// <param name="mode">Read or write.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The lease, or why there is none.</returns>
    public async ValueTask<TenantAccess> AcquireAsync(DatabaseName name, TenantAccessMode mode, CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            var tenant = TryGetOpen(name) ?? await LoadAsync(name);
            if (tenant is null)
            {
                return TenantAccess.NotFound;
            }

            if (tenant.Record.BlockReads)
            {
                return new TenantAccess(TenantAccessStatus.ReadBlocked, null, BlockedRetryAfter);
            }

            if (mode == TenantAccessMode.Write && !await tenant.Gate.WaitOpenAsync(_options.WriteBlockWait, _time, cancellationToken))
            {
                return new TenantAccess(TenantAccessStatus.WriteBlocked, null, BlockedRetryAfter);
            }

            TenantLease? lease;
            try
            {
                lease = await tenant.LeaseAsync(mode, cancellationToken);
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 14)
            {
                // SQLITE_CANTOPEN: the file is gone, the deletion event has not arrived yet.
                Remove(name, tenant);
                return TenantAccess.NotFound;
            }

            if (lease is not null)
            {
                TenancyTelemetry.WaitTime.Record(_time.GetElapsedTime(started).TotalMilliseconds);
                return new TenantAccess(TenantAccessStatus.Granted, lease, TimeSpan.Zero);
            }
        }
    }

    /// <summary>Applies a tenant event: a deletion closes the tenant, a migration moves its write gate and version.</summary>
    /// <param name="tenantEvent">The event from <see cref="RedisKeys.EventsChannel"/>.</param>
    public void Apply(TenantEvent tenantEvent)
    {
        ArgumentNullException.ThrowIfNull(tenantEvent);
        TenantConnections? tenant;
        lock (_lock)
        {
            _generation++;
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
                break;
        }
    }

    /// <summary>Closes every tenant: after a Redis reconnect, events may have been missed, so nothing cached is trusted.</summary>
    public void InvalidateAll()
    {
        List<TenantConnections> closing;
        lock (_lock)
        {
            _generation++;
            closing = [.. _open.Values];
            _open.Clear();
            _recency.Clear();
        }

        Close(closing);
    }

    /// <summary>Closes every tenant and stops the idle sweep.</summary>
    public void Dispose()
    {
        _idleSweep.Dispose();
        InvalidateAll();
    }

    private TenantConnections? TryGetOpen(DatabaseName name)
    {
        lock (_lock)
        {
            if (!_open.TryGetValue(name, out var tenant))
            {
                return null;
            }

            Touch(tenant);
            TenancyTelemetry.Hits.Add(1);
            return tenant;
        }
    }

    private async Task<TenantConnections?> LoadAsync(DatabaseName name)
    {
        TenancyTelemetry.Misses.Add(1);
        while (true)
        {
            long generation;
            lock (_lock)
            {
                generation = _generation;
            }

            var record = await _metadata.GetAsync(name);
            if (record is null)
            {
                return null;
            }

            List<TenantConnections> evicted = [];
            TenantConnections tenant;
            lock (_lock)
            {
                // An event arrived while Redis was read: the record may already be stale, read it again.
                if (generation != _generation)
                {
                    continue;
                }

                if (!_open.TryGetValue(name, out tenant!))
                {
                    tenant = new TenantConnections(record, _factory, _options.ReadersPerDatabase);
                    tenant.Gate.Set(record.BlockWrites);
                    _open[name] = tenant;
                    while (_open.Count > _options.MaxOpenDatabases && _recency.Last is { } oldest)
                    {
                        Unlink(oldest.Value);
                        evicted.Add(oldest.Value);
                    }
                }

                Touch(tenant);
            }

            Close(evicted);
            TenancyTelemetry.Evictions.Add(evicted.Count);
            return tenant;
        }
    }

    private void CloseIdle()
    {
        var cutoff = _time.GetTimestamp() - (long)(_options.IdleTimeout.TotalSeconds * _time.TimestampFrequency);
        List<TenantConnections> idle = [];
        lock (_lock)
        {
            while (_recency.Last is { } oldest && oldest.Value.LastUsed < cutoff)
            {
                Unlink(oldest.Value);
                idle.Add(oldest.Value);
            }
        }

        Close(idle);
        TenancyTelemetry.Evictions.Add(idle.Count);
        if (Interlocked.Exchange(ref _closedSinceTrim, 0) > 0)
        {
            NativeHeap.Trim();
        }
    }

    private void Close(List<TenantConnections> tenants)
    {
        tenants.ForEach(tenant => tenant.Close());
        Interlocked.Add(ref _closedSinceTrim, tenants.Count);
    }

    private void Remove(DatabaseName name, TenantConnections tenant)
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
    private void Touch(TenantConnections tenant)
    {
        tenant.LastUsed = _time.GetTimestamp();
        if (tenant.Node is null)
        {
            tenant.Node = _recency.AddFirst(tenant);
        }
        else if (tenant.Node != _recency.First)
        {
            _recency.Remove(tenant.Node);
            _recency.AddFirst(tenant.Node);
        }
    }

    // Callers hold _lock.
    private void Unlink(TenantConnections tenant)
    {
        _open.Remove(tenant.Record.Name);
        if (tenant.Node is not null)
        {
            _recency.Remove(tenant.Node);
            tenant.Node = null;
        }
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tenancy.Connections;

/// <summary>
/// The span source and meter of the tenancy library (collected by the service defaults as <c>TenantPlatform.*</c>). The
/// connection cache's instruments carry <see cref="BackendTag"/>: <c>local</c> for this node's files, else the remote
/// storage backend's name, so local and remote tenants can be told apart.
/// </summary>
internal static class TenancyTelemetry
{
    public const string Name = "TenantPlatform.Tenancy";

    /// <summary>The tag naming where a tenant's database lives: <c>local</c> or a storage backend's name.</summary>
    public const string BackendTag = "tenancy.storage_backend";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Hits = Meter.CreateCounter<long>("tenancy.connection_cache.hits", description: "Acquisitions served by an open tenant database.");

    public static readonly Counter<long> Misses = Meter.CreateCounter<long>("tenancy.connection_cache.misses", description: "Acquisitions that had to read tenant metadata and open the database.");

    public static readonly Counter<long> Remembered = Meter.CreateCounter<long>("tenancy.connection_cache.remembered", description: "Misses whose tenant metadata was remembered from a recent eviction, so the directory was not asked.");

    public static readonly Counter<long> Evictions = Meter.CreateCounter<long>("tenancy.connection_cache.evictions", description: "Tenant databases closed to stay within the bound or because they were idle.");

    public static readonly Counter<long> WalBounded = Meter.CreateCounter<long>("tenancy.wal.bounded", description: "Times a tenant's WAL passed its bound with a reader in the way: old snapshots were rolled back and the WAL checkpointed.");

    public static readonly Histogram<double> WaitTime = Meter.CreateHistogram<double>("tenancy.connection_cache.wait_time", unit: "ms", description: "Time from asking for a tenant connection to getting it.");

    public static readonly Counter<long> RemoteFailures = Meter.CreateCounter<long>("tenancy.remote.failures",
        description: "Statements on remote tenant databases that got no usable answer (error.type: unavailable, timeout, not_found).");

    public static KeyValuePair<string, object?> Backend(string backend) => new(BackendTag, backend);
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tenancy.Connections;

/// <summary>The span source and meter of the tenancy library (collected by the service defaults as <c>TenantPlatform.*</c>).</summary>
internal static class TenancyTelemetry
{
    public const string Name = "TenantPlatform.Tenancy";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Hits = Meter.CreateCounter<long>("tenancy.connection_cache.hits", description: "Acquisitions served by an open tenant database.");

    public static readonly Counter<long> Misses = Meter.CreateCounter<long>("tenancy.connection_cache.misses", description: "Acquisitions that had to read tenant metadata and open the database.");

    public static readonly Counter<long> Remembered = Meter.CreateCounter<long>("tenancy.connection_cache.remembered", description: "Misses whose tenant metadata was remembered from a recent eviction, so the directory was not asked.");

    public static readonly Counter<long> Evictions = Meter.CreateCounter<long>("tenancy.connection_cache.evictions", description: "Tenant databases closed to stay within the bound or because they were idle.");

    public static readonly Counter<long> WalBounded = Meter.CreateCounter<long>("tenancy.wal.bounded", description: "Times a tenant's WAL passed its bound with a reader in the way: old snapshots were rolled back and the WAL checkpointed.");

    public static readonly Histogram<double> WaitTime = Meter.CreateHistogram<double>("tenancy.connection_cache.wait_time", unit: "ms", description: "Time from asking for a tenant connection to getting it.");
}

namespace Tenancy.Connections;

/// <summary>Bounds of the <see cref="TenantConnectionCache"/>.</summary>
public sealed record TenantConnectionCacheOptions
{
    /// <summary>At most this many tenant databases are open at once; the least recently used is closed first.</summary>
    public int MaxOpenDatabases { get; init; } = 1_000;

    /// <summary>A tenant unused for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Concurrent readers per tenant (WAL lets them run beside the one writer).</summary>
    public int ReadersPerDatabase { get; init; } = 2;

    /// <summary>How long a write waits for a migration's write block to clear before it is refused.</summary>
    public TimeSpan WriteBlockWait { get; init; } = TimeSpan.FromSeconds(2);
}

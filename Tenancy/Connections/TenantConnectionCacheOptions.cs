namespace Tenancy.Connections;

/// <summary>Bounds of the <see cref="TenantConnectionCache"/>.</summary>
public sealed record TenantConnectionCacheOptions
{
    /// <summary>The most <see cref="CloseAhead"/> may be unless set: a quarter of the default bound's worth of opens never waits on a close.</summary>
    public const int DefaultCloseAhead = 32;

    /// <summary>
    /// At most this many tenant databases have files open at once, counting those still being closed: a slot is taken before a
    /// database's first open and given back only after its last connection is closed. The least recently used is closed first.
    /// </summary>
    public int MaxOpenDatabases { get; init; } = 1_000;

    /// <summary>A tenant unused for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Concurrent readers per tenant (WAL lets them run beside the one writer); opened only beside a busy writer.</summary>
    public int ReadersPerDatabase { get; init; } = 2;

    /// <summary>How long a write waits for a migration's write block to clear before it is refused.</summary>
    public TimeSpan WriteBlockWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a migration lets a libSQL stream's open write transaction run before rolling it back to take the write lock.</summary>
    public TimeSpan WriteTransactionGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long closing a database for a delete waits for its leased connections to come back.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Background threads that close evicted and idle databases (closing the last connection of a WAL database checkpoints it and
    /// waits for the disk), so a request never pays for another tenant's close.
    /// </summary>
    public int CloseConcurrency { get; init; } = 4;

    /// <summary>
    /// When fewer slots than this are free, the least recently used idle tenants are closed ahead of need, so a cold tenant rarely
    /// waits for a slot. At most half of <see cref="MaxOpenDatabases"/>; unset, <see cref="DefaultCloseAhead"/> or that half if smaller.
    /// </summary>
    public int CloseAhead { get; init; } = DefaultCloseAhead;

    /// <summary>How long a cold tenant waits for a slot when <see cref="MaxOpenDatabases"/> are open; then it is refused (<see cref="TenantAccessStatus.OpenLimitReached"/>).</summary>
    public TimeSpan OpenSlotWait { get; init; } = TimeSpan.FromSeconds(2);
}

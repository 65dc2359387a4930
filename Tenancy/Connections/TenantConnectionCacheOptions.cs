namespace Tenancy.Connections;

/// <summary>Bounds of the <see cref="TenantConnectionCache"/>.</summary>
public sealed record TenantConnectionCacheOptions
{
    /// <summary>At most this many local tenant databases (files of this node) are open at once; the least recently used is closed first.</summary>
    public int MaxOpenDatabases { get; init; } = 1_000;

    /// <summary>
    /// At most this many remote tenant databases are kept at once, apart from <see cref="MaxOpenDatabases"/>: a remote one
    /// holds no file or SQLite memory here (its connections are its backend's, shared), so it must not push local files out.
    /// </summary>
    public int MaxRemoteDatabases { get; init; } = 10_000;

    /// <summary>How long one statement on a remote tenant database may take, sending to last byte; past it the caller gets 503 and a write is never resent.</summary>
    public TimeSpan RemoteTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many times a read (a SELECT) on a remote tenant database is resent after its connection failed; writes never are.</summary>
    public int RemoteReadRetries { get; init; } = 2;

    /// <summary>
    /// The records of this many tenants closed to stay within the bound are remembered (~250 bytes each), so opening one
    /// again asks no one; 0 asks the directory on every miss.
    /// </summary>
    public int RememberedTenants { get; init; } = 10_000;

    /// <summary>A tenant unused for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Concurrent readers per tenant (WAL lets them run beside the one writer).</summary>
    public int ReadersPerDatabase { get; init; } = 2;

    /// <summary>How long a write waits for a migration's write block to clear before it is refused.</summary>
    public TimeSpan WriteBlockWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a migration lets a libSQL stream's open write transaction run before rolling it back to take the write lock.</summary>
    public TimeSpan WriteTransactionGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long closing a database for a delete waits for its leased connections to come back.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

namespace Tenancy.Connections;

/// <summary>Why a tenant connection was or was not handed out.</summary>
public enum TenantAccessStatus
{
    /// <summary><see cref="TenantAccess.Session"/> holds the connection (or the remote session).</summary>
    Granted,

    /// <summary>The tenant database does not exist (or was deleted).</summary>
    NotFound,

    /// <summary>A migration blocks writes and did not clear in time; retry after <see cref="TenantAccess.RetryAfter"/>.</summary>
    WriteBlocked,

    /// <summary>The tenant's metadata blocks reads, or the database is being closed everywhere (deleted or replaced).</summary>
    ReadBlocked,

    /// <summary>The tenant's metadata could not be read (Redis unreachable); retry after <see cref="TenantAccess.RetryAfter"/>.</summary>
    DirectoryUnavailable,
}

/// <summary>
/// The outcome of <see cref="TenantConnectionCache.AcquireAsync"/> or <see cref="TenantConnectionCache.OpenStreamAsync"/>:
/// a lease or a stream, or the reason there is none.
/// </summary>
/// <param name="Status">What happened.</param>
/// <param name="Session">The session when granted by <c>AcquireAsync</c>: a <see cref="TenantLease"/> on a local file, or a
/// session on the remote libSQL server the tenant's record places it on; dispose it to hand it back.</param>
/// <param name="RetryAfter">When refused for a block, how long a client should wait before retrying.</param>
/// <param name="Stream">The stream when granted by <c>OpenStreamAsync</c>; end it with <see cref="TenantStream.End"/>.</param>
public readonly record struct TenantAccess(TenantAccessStatus Status, ITenantSession? Session, TimeSpan RetryAfter, TenantStream? Stream = null)
{
    /// <summary>The local connection lease, for work that needs SQLite itself (a dump, a copy, a migration); null for a remote tenant's session.</summary>
    public TenantLease? Lease => Session as TenantLease;

    internal static TenantAccess NotFound => new(TenantAccessStatus.NotFound, null, TimeSpan.Zero);

    internal static TenantAccess Blocked(TenantAccessStatus status) => new(status, null, TimeSpan.FromSeconds(1));
}

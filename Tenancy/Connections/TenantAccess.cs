namespace Tenancy.Connections;

/// <summary>Why a tenant connection was or was not handed out.</summary>
public enum TenantAccessStatus
{
    /// <summary><see cref="TenantAccess.Lease"/> holds the connection.</summary>
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
/// <param name="Lease">The connection lease when granted by <c>AcquireAsync</c>; dispose it to hand it back.</param>
/// <param name="RetryAfter">When refused for a block, how long a client should wait before retrying.</param>
/// <param name="Stream">The stream when granted by <c>OpenStreamAsync</c>; end it with <see cref="TenantStream.End"/>.</param>
public readonly record struct TenantAccess(TenantAccessStatus Status, TenantLease? Lease, TimeSpan RetryAfter, TenantStream? Stream = null)
{
    internal static TenantAccess NotFound => new(TenantAccessStatus.NotFound, null, TimeSpan.Zero);

    internal static TenantAccess Blocked(TenantAccessStatus status) => new(status, null, TimeSpan.FromSeconds(1));
}

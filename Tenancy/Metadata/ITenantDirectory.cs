using Tenancy.Databases;

namespace Tenancy.Metadata;

/// <summary>
/// Where the <see cref="Connections.TenantConnectionCache"/> looks up a database it does not have open: Redis
/// (<see cref="TenantMetadataStore"/>) in services that only read metadata, <c>platform.db</c> in the service that owns it.
/// </summary>
public interface ITenantDirectory
{
    /// <summary>The current metadata of <paramref name="name"/>, blocks included.</summary>
    /// <param name="name">The database.</param>
    /// <returns>The record, or <c>null</c> when there is no such database.</returns>
    /// <exception cref="TenantDirectoryUnavailableException">The directory cannot answer now.</exception>
    Task<TenantRecord?> FindAsync(DatabaseName name);
}

using Tenancy.Databases;
using Tenancy.Metadata;

namespace Gateway.Provisioning;

/// <summary>
/// Asks the tenant metadata in Redis; a missing record sends the tenant to creation, where 409 and tenantservice's record settle it. Without an
/// answer from Redis within <c>TENANT_LOOKUP_TIMEOUT_MS</c> (down, or hung) the store throws
/// <see cref="TenantDirectoryUnavailableException"/>: the request gets 503, and nothing is created blind.
/// </summary>
internal sealed class MetadataExistenceLookup(TenantMetadataStore store) : ITenantExistenceLookup
{
    public async ValueTask<bool> ExistsAsync(string database, CancellationToken cancellationToken) =>
        DatabaseName.TryCreate(database, out var name, out _) && await store.FindAsync(name).WaitAsync(cancellationToken) is not null;
}

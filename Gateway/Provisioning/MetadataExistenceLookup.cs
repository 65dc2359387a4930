using Tenancy.Databases;
using Tenancy.Metadata;

namespace Gateway.Provisioning;

/// <summary>Asks the tenant metadata in Redis; a missing record sends the tenant to creation, where 409 settles it.</summary>
internal sealed class MetadataExistenceLookup(TenantMetadataStore store) : ITenantExistenceLookup
{
    public async ValueTask<bool> ExistsAsync(string database, CancellationToken cancellationToken) =>
        DatabaseName.TryCreate(database, out var name, out _) && await store.GetAsync(name).WaitAsync(cancellationToken) is not null;
}

using Tenancy.Databases;
using Tenancy.Metadata;

namespace TenantService.Catalog;

/// <summary>
/// The tenant connection cache's lookups in this service come from platform.db, the source of truth: they work before
/// Redis is filled and while it is down, and carry the live blocks the catalog records.
/// </summary>
internal sealed class CatalogDirectory(DatabaseCatalog catalog) : ITenantDirectory
{
    public Task<TenantRecord?> FindAsync(DatabaseName name) => Task.FromResult(catalog.Find(name)?.ToRecord());
}

using Tenancy.Databases;
using Tenancy.Identity;
using TenantService.Catalog;

namespace TenantService.Tokens;

/// <summary>A database's group from platform.db, so a group token opens only its own group's databases here.</summary>
internal sealed class CatalogDatabaseGroups(DatabaseCatalog catalog) : IDatabaseGroups
{
    public string? GroupOf(string database) =>
        DatabaseName.TryCreate(database, out var name, out _) ? catalog.Find(name)?.Group : null;
}

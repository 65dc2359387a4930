using TenantService.Catalog;

namespace TenantService.Storage;

/// <summary>The refusal of work that needs a database's file here (snapshots, restores, branches, the libSQL endpoint) for one on a storage backend.</summary>
internal static class LocalOnly
{
    public static string Refusal(DatabaseEntry entry, string what) =>
        $"database '{entry.Name}' lives on storage backend '{entry.Storage}', not in this node's files; {what} works only on databases in this node's files";
}

using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy;
using Tenancy.Connections;
using Tenancy.Databases;
using TenantService.Catalog;
using TenantService.Databases;
using TenantService.Storage;

namespace TenantService.Apis;

/// <summary>What the databases API's handlers need, bound with <c>[AsParameters]</c>.</summary>
internal sealed record DatabaseServices(
    DatabaseCatalog Catalog,
    DatabaseProvisioner Provisioner,
    TenantConnectionCache Connections,
    Quarantine Quarantine,
    RunningDumps Dumps,
    StorageBackends Backends,
    TimeProvider Time,
    ILogger<DatabaseServices> Logger,
    PlatformOptions Options)
{
    /// <summary>404 for a database without a record; when a file of that name is in quarantine, where it is and how to bring it back.</summary>
    public NotFound<ErrorBody> NotFound(string name)
    {
        var database = DatabaseName.Parse(name);
        if (Quarantine.Latest(database) is not { } file)
        {
            return TypedResults.NotFound(new ErrorBody($"database '{name}' not found"));
        }

        return TypedResults.NotFound(new ErrorBody(
            $"database '{name}' not found: platform.db has no record of it, and its file was set aside at start in '{file.Path}' under DATA_DIR "
            + $"(GET /v1/organizations/{Options.Organization}/quarantine lists such files). To bring it back, stop tenantservice, restore a platform.db "
            + $"that records '{name}', move the file and its -wal back to '{Quarantine.HomeOf(database)}' and start again; "
            + "creating a database of this name instead makes a new, empty one and leaves the quarantined file alone."));
    }

    public DatabaseView View(DatabaseEntry entry) => ViewOf(entry, Options);

    public static DatabaseView ViewOf(DatabaseEntry entry, PlatformOptions options) => new(
        entry.DbId.ToString(),
        options.HostnameOf(entry.Name.Value),
        entry.Name.Value,
        entry.Group,
        entry.Schema?.Value,
        entry.Kind == DatabaseKind.Schema,
        entry.BlockReads,
        entry.BlockWrites,
        entry.Version,
        entry.Storage);
}

using Tenancy.Connections;
using Tenancy.Databases;
using TenantService.Catalog;
using TenantService.Databases;

namespace TenantService.Apis;

/// <summary>What the databases API's handlers need, bound with <c>[AsParameters]</c>.</summary>
internal sealed record DatabaseServices(
    DatabaseCatalog Catalog,
    DatabaseProvisioner Provisioner,
    TenantConnectionCache Connections,
    RunningDumps Dumps,
    TimeProvider Time,
    ILogger<DatabaseServices> Logger,
    PlatformOptions Options)
{
    public DatabaseView View(DatabaseEntry entry) => new(
        entry.DbId.ToString(),
        Options.HostnameOf(entry.Name.Value),
        entry.Name.Value,
        entry.Group,
        entry.Schema?.Value,
        entry.Kind == DatabaseKind.Schema,
        entry.BlockReads,
        entry.BlockWrites,
        entry.Version);
}

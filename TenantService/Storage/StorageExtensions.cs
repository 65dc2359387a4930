using Tenancy.Storage;

namespace TenantService.Storage;

/// <summary>
/// Registers the storage backends this node creates databases on: their settings (<c>STORAGE_*</c>, the backends themselves
/// read by Tenancy's <see cref="StorageOptions"/>), the placement policy, and the Platform API and libSQL clients.
/// </summary>
internal static class StorageExtensions
{
    public static void AddStorageBackends(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSettings(StorageOptions.Read);
        services.AddSettings(RemoteStorageOptions.Read);
        services.AddSingleton<StorageBackends>();
        services.AddSingleton<PlacementPolicy>();
    }
}

using AppHost.Platform;
using AppHost.Secrets;

namespace AppHost.Storage;

/// <summary>
/// <c>STORAGE_NODE=true</c>: a second TenantService, <c>storage</c>, that holds tenant databases for this node as a storage
/// backend does (issue 19), so the scale-out path runs on one machine. It has its own data folder next to DATA_DIR, its
/// own Redis (<c>storage-cache</c>) and its own platform token; it has no Clerk role and the gateway never routes to it.
/// </summary>
/// <param name="Service">The node's resource.</param>
/// <param name="Token">Its PLATFORM_API_TOKEN, which the services that reach it carry.</param>
/// <param name="Organization">The organization in its platform API paths.</param>
internal sealed record StorageNode(IResourceBuilder<ServiceResource> Service, IResourceBuilder<ParameterResource> Token, string Organization)
{
    /// The node's resource name, which is also its storage backend's name (STORAGE_STORAGE_URL, ...).
    public const string Name = "storage";

    public const string Setting = "STORAGE_NODE";

    /// Whether STORAGE_NODE asks for the node; a value other than true or false stops the AppHost.
    public static bool IsWanted(IConfiguration configuration)
    {
        var value = configuration[Setting];
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        return bool.TryParse(value, out var wanted)
            ? wanted
            : throw new DistributedApplicationException($"{Setting} '{value}' is not true or false; set {Setting}=true to start a storage node beside tenantservice, or unset it.");
    }

    /// The dev secrets only the node needs: none when it does not run.
    public static IReadOnlyList<DevSecret> Secrets(IConfiguration configuration) => IsWanted(configuration) ? [DevSecret.StorageNodeToken] : [];

    /// `{DATA_DIR}-storage`: next to the main node's folder, not in it, as another machine's would be.
    public static string DataDirectory(IConfiguration configuration) =>
        Path.TrimEndingDirectorySeparator(PlatformSettings.DataDirectory(configuration)) + "-" + Name;
}

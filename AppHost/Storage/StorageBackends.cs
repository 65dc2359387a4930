namespace AppHost.Storage;

/// <summary>
/// Where tenantservice and todoservice may keep tenant databases beside this node's files (issue 19): the backends a user
/// configured (to use Turso, say), forwarded as given, and the storage node when <c>STORAGE_NODE=true</c> starts one. The
/// services validate them at start.
/// </summary>
/// <param name="Settings">The settings every service that opens tenant databases is given, apart from the node's.</param>
/// <param name="Node">The storage node, or null.</param>
internal sealed record StorageBackends(IReadOnlyDictionary<string, string> Settings, StorageNode? Node)
{
    private const string BackendsSetting = "STORAGE_BACKENDS";
    private const string PlacementSetting = "STORAGE_PLACEMENT";

    // The services' name for this node's own files, which a placement list may hold.
    private const string Local = "local";

    private static readonly string[] Forwarded = [PlacementSetting, "STORAGE_REQUEST_TIMEOUT_MS"];

    private static readonly string[] PerBackend = ["URL", "ORG", "TOKEN"];

    /// <summary>
    /// Reads <c>STORAGE_BACKENDS</c> with each named backend's <c>STORAGE_{NAME}_URL</c>, <c>_ORG</c> and <c>_TOKEN</c>,
    /// <c>STORAGE_PLACEMENT</c> and <c>STORAGE_REQUEST_TIMEOUT_MS</c>. With the node, its name joins the backends and new
    /// tenants are placed across this node and it unless <c>STORAGE_PLACEMENT</c> says otherwise.
    /// </summary>
    public static StorageBackends Read(IConfiguration configuration, StorageNode? node)
    {
        var names = configuration[BackendsSetting]?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in names.SelectMany(name => PerBackend.Select(part => Prefix(name) + part)).Concat(Forwarded))
        {
            if (configuration[setting] is { Length: > 0 } value)
            {
                settings[setting] = value;
            }
        }

        if (node is null)
        {
            if (configuration[BackendsSetting] is { Length: > 0 } backends)
            {
                settings[BackendsSetting] = backends;
            }

            return new StorageBackends(settings, null);
        }

        if (names.Contains(StorageNode.Name, StringComparer.Ordinal))
        {
            throw new DistributedApplicationException(
                $"{BackendsSetting} names '{StorageNode.Name}', the backend {StorageNode.Setting}=true starts; rename that backend, or unset {StorageNode.Setting}.");
        }

        settings[BackendsSetting] = string.Join(',', names.Append(StorageNode.Name));
        settings.TryAdd(PlacementSetting, $"{Local},{StorageNode.Name}");
        return new StorageBackends(settings, node);
    }

    /// `STORAGE_{NAME}_`, as the services spell a backend's settings (`node-b` -> `STORAGE_NODE_B_`).
    public static string Prefix(string backend) => $"STORAGE_{backend.Replace('-', '_').ToUpperInvariant()}_";
}

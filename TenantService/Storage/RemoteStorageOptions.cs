using Tenancy.Storage;

namespace TenantService.Storage;

/// <summary>
/// Where new databases go and how long a call to a storage backend may take: <c>STORAGE_PLACEMENT</c> and
/// <c>STORAGE_REQUEST_TIMEOUT_MS</c>. The backends themselves are <see cref="StorageOptions"/> (<c>STORAGE_BACKENDS</c>).
/// </summary>
internal sealed record RemoteStorageOptions
{
    public const long MinRequestTimeoutMs = 100;
    public const long MaxRequestTimeoutMs = 600_000;

    /// <summary>
    /// Where new tenant databases are created (<c>STORAGE_PLACEMENT</c>): <c>local</c> (the default, this node's files), one
    /// backend's name, or a comma list that new databases are spread over by a stable hash of their name.
    /// </summary>
    public IReadOnlyList<string> Placement { get; init; } = [StorageBackend.Local];

    /// <summary>How long one Platform API call or libSQL request to a backend may take (<c>STORAGE_REQUEST_TIMEOUT_MS</c>, 100 ms to 10 min).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    internal static RemoteStorageOptions Read(SettingsReader settings)
    {
        var defaults = new RemoteStorageOptions();
        // Only the names: StorageOptions reads and checks each backend's own settings.
        var backends = settings.Text("STORAGE_BACKENDS")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        var placement = new List<string>();
        foreach (var name in settings.Text("STORAGE_PLACEMENT", StorageBackend.Local).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (name != StorageBackend.Local && !backends.Contains(name, StringComparer.Ordinal))
            {
                settings.AddProblem($"STORAGE_PLACEMENT names '{name}', which is not a storage backend: use '{StorageBackend.Local}' or names listed in STORAGE_BACKENDS "
                    + $"({(backends.Length == 0 ? "unset" : string.Join(",", backends))}), comma-separated.");
            }
            else if (placement.Contains(name))
            {
                settings.AddProblem($"STORAGE_PLACEMENT names '{name}' twice: list each place once; new databases are spread evenly over the list.");
            }
            else
            {
                placement.Add(name);
            }
        }

        return new RemoteStorageOptions
        {
            Placement = placement.Count == 0 ? defaults.Placement : placement,
            RequestTimeout = settings.Milliseconds("STORAGE_REQUEST_TIMEOUT_MS", defaults.RequestTimeout, MinRequestTimeoutMs, MaxRequestTimeoutMs),
        };
    }
}

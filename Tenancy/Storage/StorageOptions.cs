using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;

namespace Tenancy.Storage;

/// <summary>The remote storage backends this service may reach (<c>STORAGE_BACKENDS</c> and each one's settings); read and validated once at start.</summary>
public sealed partial record StorageOptions
{
    /// <summary>The remote backends by name; empty (the default) keeps every database in this node's files.</summary>
    public IReadOnlyDictionary<string, StorageBackend> Backends { get; init; } = new Dictionary<string, StorageBackend>();

    /// <summary>Reads <c>STORAGE_BACKENDS</c> (comma-separated names) and, for each name, <c>STORAGE_{NAME}_URL</c>, <c>_ORG</c> (default <c>local</c>) and <c>_TOKEN</c>.</summary>
    /// <param name="settings">The service's settings.</param>
    /// <returns>The options.</returns>
    public static StorageOptions Read(SettingsReader settings)
    {
        var backends = new Dictionary<string, StorageBackend>(StringComparer.Ordinal);
        var names = settings.Text("STORAGE_BACKENDS")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        foreach (var name in names)
        {
            if (!BackendName().IsMatch(name) || name == StorageBackend.Local || backends.ContainsKey(name))
            {
                settings.AddProblem($"STORAGE_BACKENDS: '{name}' must be a unique name of lowercase letters, digits and '-' (1-32), other than '{StorageBackend.Local}'.");
                continue;
            }

            var prefix = $"STORAGE_{name.Replace('-', '_').ToUpperInvariant()}_";
            var url = settings.Text(prefix + "URL");
            var token = settings.Text(prefix + "TOKEN");
            if (!Uri.TryCreate(url, UriKind.Absolute, out var apiUrl) || apiUrl.Scheme is not ("http" or "https"))
            {
                settings.AddProblem($"{prefix}URL: the Platform API base URL of storage backend '{name}' must be an absolute http(s) URL.");
                continue;
            }

            if (token is null)
            {
                settings.AddProblem($"{prefix}TOKEN: storage backend '{name}' needs a bearer token.");
                continue;
            }

            backends[name] = new StorageBackend(name, apiUrl, settings.Text(prefix + "ORG", "local"), token);
        }

        return new StorageOptions { Backends = backends };
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex BackendName();
}

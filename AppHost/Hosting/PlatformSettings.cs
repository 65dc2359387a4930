using Microsoft.Extensions.Configuration;

namespace AppHost.Hosting;

/// The platform settings handed to every project as environment variables; only those with a value.
internal static class PlatformSettings
{
    private static readonly (string Name, string? Default)[] Forwarded =
    [
        ("PLATFORM_ORG", "local"),
        ("CLERK_ISSUER", null),
        ("CLERK_JWT_KEY", null),
        ("CLERK_AUTHORIZED_PARTIES", null),
        ("USER_SCHEMA", "todos-schema"),
        ("ORG_SCHEMA", "workspace-schema"),
        ("TENANT_RATE_LIMIT", "50"),
        ("TRACES_PER_SECOND", null),
        ("PUBLIC_HOST", null),
    ];

    public static string ResolveDataDirectory(IConfiguration configuration) =>
        Path.GetFullPath(configuration["DATA_DIR"] is { Length: > 0 } dataDir ? dataDir : ".data");

    public static IReadOnlyDictionary<string, string> Resolve(IConfiguration configuration, string dataDirectory, IReadOnlyDictionary<string, string> secrets)
    {
        var settings = new Dictionary<string, string> { ["DATA_DIR"] = dataDirectory };
        foreach (var (name, defaultValue) in Forwarded)
        {
            if ((configuration[name] is { Length: > 0 } value ? value : defaultValue) is { } resolved)
            {
                settings[name] = resolved;
            }
        }

        foreach (var (name, value) in secrets)
        {
            settings[name] = value;
        }

        return settings;
    }
}

using AppHost.Secrets;

namespace AppHost.Platform;

/// The settings every service is given: the data folder, the dev secrets, and the platform settings that have a value.
internal static class PlatformSettings
{
    private static readonly (string Name, string? Default)[] Forwarded =
    [
        ("PLATFORM_ORG", "local"),
        ("CLERK_ISSUER", null),
        ("CLERK_JWT_KEY", null),
        ("CLERK_AUTHORIZED_PARTIES", null),
        ("CLERK_PUBLISHABLE_KEY", null),
        ("WEBAPP_MAX_SHOWN_TODOS", null),
        // The services default these (Tenancy's TenantSchemaOptions), so the names are written once.
        ("USER_SCHEMA", null),
        ("ORG_SCHEMA", null),
        ("TENANT_RATE_LIMIT", "50"),
        ("TENANT_LOOKUP_TIMEOUT_MS", null),
        ("TRACES_PER_SECOND", null),
        ("PUBLIC_HOST", null),
        ("DURABLE_CREATES", null),
        ("MIGRATION_PARALLELISM", null),
        ("MIGRATION_DATABASE_TIMEOUT_MS", null),
        ("HRANA_STREAM_IDLE_TIMEOUT_MS", null),
        ("HRANA_MAX_STREAMS", null),
        ("HRANA_MAX_STREAMS_PER_CALLER", null),
        ("HRANA_MAX_STREAMS_PER_DATABASE", null),
        ("HRANA_MAX_STREAMS_PER_ADDRESS", null),
        ("HRANA_PLATFORM_RESERVED_STREAMS", null),
        ("DUMP_TIMEOUT_MS", null),
        ("ORG_WRITE_ROLES", null),
        ("TOKEN_ROTATION_REFRESH_MS", null),
        ("BACKUP_INTERVAL", null),
        ("BACKUP_RETENTION", null),
        ("BACKUP_PARALLELISM", null),
    ];

    /// The organization in platform API paths (PLATFORM_ORG), as the services are given it.
    public static string Organization(IConfiguration configuration) =>
        configuration["PLATFORM_ORG"] is { Length: > 0 } organization ? organization : Forwarded.Single(setting => setting.Name == "PLATFORM_ORG").Default!;

    public static string DataDirectory(IConfiguration configuration) =>
        Path.GetFullPath(configuration["DATA_DIR"] is { Length: > 0 } dataDir ? dataDir : ".data");

    public static IResourceBuilder<ServiceResource> WithPlatformSettings(this IResourceBuilder<ServiceResource> service, DevSecrets secrets) =>
        secrets.AddTo(service.WithSettings(DataDirectory(service.ApplicationBuilder.Configuration), _ => true));

    /// <summary>
    /// A storage node's settings: its own data folder; no Clerk settings or dev secrets (it serves its own platform token
    /// only), and not the gateway's PUBLIC_HOST (its databases' Hostname names the node itself).
    /// </summary>
    public static IResourceBuilder<ServiceResource> WithNodeSettings(this IResourceBuilder<ServiceResource> service, string dataDirectory) =>
        service.WithSettings(dataDirectory, name => name != "PUBLIC_HOST" && !name.StartsWith("CLERK_", StringComparison.Ordinal));

    private static IResourceBuilder<ServiceResource> WithSettings(this IResourceBuilder<ServiceResource> service, string dataDirectory, Func<string, bool> include)
    {
        var configuration = service.ApplicationBuilder.Configuration;
        service.WithEnvironment("DATA_DIR", dataDirectory);
        foreach (var (name, defaultValue) in Forwarded.Where(setting => include(setting.Name)))
        {
            if ((configuration[name] is { Length: > 0 } value ? value : defaultValue) is { } resolved)
            {
                service.WithEnvironment(name, resolved);
            }
        }

        // The database limits and connection cache bounds (Tenancy__StatementTimeout, Tenancy__WriteBlockWait, ...).
        foreach (var setting in configuration.GetSection("Tenancy").GetChildren().Where(setting => setting.Value is { Length: > 0 }))
        {
            service.WithEnvironment("Tenancy__" + setting.Key, setting.Value);
        }

        return service;
    }
}

namespace TenantService;

/// <summary>The control plane's settings, read once at start from environment variables or configuration.</summary>
public sealed record PlatformOptions
{
    /// <summary>The largest platform API request body accepted (1 MiB); larger ones get 413.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>Where platform.db, databases/ and backups/ live (<c>DATA_DIR</c>).</summary>
    public required string DataDir { get; init; }

    /// <summary>The only organization name accepted in platform API paths (<c>PLATFORM_ORG</c>).</summary>
    public string Organization { get; init; } = "local";

    /// <summary>Bearer token for <c>/v1/**</c> (<c>PLATFORM_API_TOKEN</c>); unset refuses every call with 503.</summary>
    public string? ApiToken { get; init; }

    /// <summary>The gateway's public host, the prefix of each database's <c>Hostname</c> (<c>PUBLIC_HOST</c>).</summary>
    public string PublicHost { get; init; } = "localhost:8080";

    /// <summary>The built-in schema files, <c>Schemas/&lt;schema&gt;/NNNN_what.sql</c> (<c>SCHEMAS_DIR</c>, default: beside the service).</summary>
    public string SchemasDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "Schemas");

    /// <summary>
    /// Flush platform.db's log and each new file's folder to disk before a create is acknowledged (<c>DURABLE_CREATES</c>).
    /// Off by default: a create is always whole or absent, but a power loss (not a crash) may forget the last few seconds of them.
    /// </summary>
    public bool DurableCreates { get; init; }

    /// <summary>How often the Redis metadata is checked for a flush or a failed publish.</summary>
    public TimeSpan MetadataCheckInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Reads the settings from configuration (environment variables included).</summary>
    /// <param name="configuration">The service's configuration.</param>
    /// <returns>The settings, with defaults for what is unset.</returns>
    public static PlatformOptions FromConfiguration(IConfiguration configuration) => new()
    {
        DataDir = Path.GetFullPath(NonEmpty(configuration["DATA_DIR"]) ?? ".data"),
        Organization = NonEmpty(configuration["PLATFORM_ORG"]) ?? "local",
        ApiToken = NonEmpty(configuration["PLATFORM_API_TOKEN"]),
        SchemasDirectory = Path.GetFullPath(NonEmpty(configuration["SCHEMAS_DIR"]) ?? Path.Combine(AppContext.BaseDirectory, "Schemas")),
        DurableCreates = bool.TryParse(configuration["DURABLE_CREATES"], out var durable) && durable,
        PublicHost = NonEmpty(configuration["PUBLIC_HOST"])?.TrimEnd('/') ?? "localhost:8080",
        MetadataCheckInterval = TimeSpan.FromMilliseconds(
            int.TryParse(configuration["METADATA_CHECK_INTERVAL_MS"], out var ms) && ms > 0 ? ms : 5000),
    };

    /// <summary>The <c>Hostname</c> of a database: the gateway's host and its libSQL path, <c>localhost:8080/db/name</c>.</summary>
    /// <param name="databaseName">The database.</param>
    /// <returns>The host and path prefix.</returns>
    public string HostnameOf(string databaseName) => $"{PublicHost}/db/{databaseName}";

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

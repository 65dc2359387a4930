namespace TenantService;

/// <summary>The control plane's settings, read and validated once at start from environment variables or configuration.</summary>
public sealed record PlatformOptions
{
    /// <summary>The largest platform API request body accepted (1 MiB); larger ones get 413.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>The only organization name accepted in platform API paths (<c>PLATFORM_ORG</c>).</summary>
    public string Organization { get; init; } = "local";

    /// <summary>The gateway's public host, the prefix of each database's <c>Hostname</c> (<c>PUBLIC_HOST</c>).</summary>
    public string PublicHost { get; init; } = "localhost:8080";

    /// <summary>The built-in schema files, <c>Schemas/&lt;schema&gt;/NNNN_what.sql</c> (<c>SCHEMAS_DIR</c>, default: beside the service).</summary>
    public string SchemasDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "Schemas");

    /// <summary>
    /// Acknowledge a create only once it would survive a power loss: platform.db's log flushed, once for all creates that
    /// committed meanwhile (<c>DURABLE_CREATES</c>, default true). Off, a create is still whole or absent after any crash of
    /// the service, but a power loss may forget the last second of them.
    /// </summary>
    public bool DurableCreates { get; init; } = true;

    /// <summary>How often the Redis metadata is checked for a flush or a failed publish (<c>METADATA_CHECK_INTERVAL_MS</c>).</summary>
    public TimeSpan MetadataCheckInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest a dump (<c>GET .../dump</c>, <c>/dump.sql</c>) may run before it is stopped, its text ending in an error line
    /// (<c>DUMP_TIMEOUT_MS</c>). The statement limit does not apply to a dump's reads; this bounds the whole dump instead.
    /// </summary>
    public TimeSpan DumpTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The <c>Hostname</c> of a database: the gateway's host and its libSQL path, <c>localhost:8080/db/name</c>.</summary>
    /// <param name="databaseName">The database.</param>
    /// <returns>The host and path prefix.</returns>
    public string HostnameOf(string databaseName) => $"{PublicHost}/db/{databaseName}";

    internal static PlatformOptions Read(SettingsReader settings)
    {
        var defaults = new PlatformOptions();
        var publicHost = settings.Text("PUBLIC_HOST", defaults.PublicHost).TrimEnd('/');
        if (publicHost.Contains("://", StringComparison.Ordinal))
        {
            settings.AddProblem($"PUBLIC_HOST is '{publicHost}': set host[:port] without a scheme (libSQL clients are told 'localhost:8080/db/name'), or unset it for the default ({defaults.PublicHost})");
        }

        return new PlatformOptions
        {
            Organization = settings.Text("PLATFORM_ORG", defaults.Organization),
            PublicHost = publicHost,
            SchemasDirectory = settings.FullPath("SCHEMAS_DIR", defaults.SchemasDirectory),
            DurableCreates = settings.Flag("DURABLE_CREATES", defaults.DurableCreates),
            MetadataCheckInterval = settings.Milliseconds("METADATA_CHECK_INTERVAL_MS", defaults.MetadataCheckInterval, minimum: 1),
            DumpTimeout = settings.Milliseconds("DUMP_TIMEOUT_MS", defaults.DumpTimeout, minimum: 1),
        };
    }
}

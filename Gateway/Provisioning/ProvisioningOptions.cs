namespace Gateway.Provisioning;

/// <summary>What on-demand provisioning asks tenantservice for; read and validated once at start.</summary>
internal sealed record ProvisioningOptions
{
    /// <summary>The organization in platform API paths (<c>PLATFORM_ORG</c>).</summary>
    public string Organization { get; init; } = "local";

    /// <summary>How long one creation may take before the waiting requests get 503.</summary>
    public TimeSpan CreationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long looking an unknown tenant up in Redis may take (<c>TENANT_LOOKUP_TIMEOUT_MS</c>) before its request gets
    /// 503 with <c>Retry-After</c>: a hung Redis costs a cold tenant's request this much, not the Redis client's 5 s.
    /// </summary>
    public TimeSpan LookupTimeout { get; init; } = TimeSpan.FromSeconds(1);

    public static ProvisioningOptions Read(SettingsReader settings) => new()
    {
        Organization = settings.Text("PLATFORM_ORG", new ProvisioningOptions().Organization),
        LookupTimeout = settings.Milliseconds("TENANT_LOOKUP_TIMEOUT_MS", new ProvisioningOptions().LookupTimeout, minimum: 1, maximum: 60_000),
    };
}

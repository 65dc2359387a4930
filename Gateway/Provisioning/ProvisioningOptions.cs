namespace Gateway.Provisioning;

/// <summary>What on-demand provisioning asks tenantservice for; read and validated once at start.</summary>
internal sealed record ProvisioningOptions
{
    /// <summary>The organization in platform API paths (<c>PLATFORM_ORG</c>).</summary>
    public string Organization { get; init; } = "local";

    /// <summary>How long one creation may take before the waiting requests get 503.</summary>
    public TimeSpan CreationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public static ProvisioningOptions Read(SettingsReader settings) => new()
    {
        Organization = settings.Text("PLATFORM_ORG", new ProvisioningOptions().Organization),
    };
}

namespace Gateway.Provisioning;

/// <summary>What on-demand provisioning asks tenantservice for.</summary>
internal sealed record ProvisioningOptions
{
    /// <summary>The organization in platform API paths (<c>PLATFORM_ORG</c>).</summary>
    public string Organization { get; init; } = "local";

    /// <summary>The schema database every new user's database follows (<c>USER_SCHEMA</c>).</summary>
    public string UserSchema { get; init; } = "todos-schema";

    /// <summary>Bearer token of the platform API (<c>PLATFORM_API_TOKEN</c>).</summary>
    public string? PlatformApiToken { get; init; }

    /// <summary>How long one creation may take before the waiting requests get 503.</summary>
    public TimeSpan CreationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public static ProvisioningOptions FromConfiguration(IConfiguration configuration) => new()
    {
        Organization = NonEmpty(configuration["PLATFORM_ORG"]) ?? "local",
        UserSchema = NonEmpty(configuration["USER_SCHEMA"]) ?? "todos-schema",
        PlatformApiToken = NonEmpty(configuration["PLATFORM_API_TOKEN"]),
    };

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

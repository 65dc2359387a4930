namespace Gateway.RateLimiting;

/// <summary>The per-tenant request rate at the gateway (<c>TENANT_RATE_LIMIT</c>); read and validated once at start.</summary>
internal sealed record TenantRateLimitOptions
{
    /// <summary>Requests per second per tenant; the burst is twice that.</summary>
    public int RequestsPerSecond { get; init; } = 50;

    public static TenantRateLimitOptions Read(SettingsReader settings) => new()
    {
        // At most half of int.MaxValue: the burst, twice the rate, is an int too.
        RequestsPerSecond = settings.Number("TENANT_RATE_LIMIT", new TenantRateLimitOptions().RequestsPerSecond, minimum: 1, maximum: int.MaxValue / 2),
    };
}

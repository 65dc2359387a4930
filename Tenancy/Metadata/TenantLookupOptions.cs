using Microsoft.Extensions.Hosting;

namespace Tenancy.Metadata;

/// <summary>How long a service waits for Redis to look a tenant up (<c>TENANT_LOOKUP_TIMEOUT_MS</c>); read and validated once at start.</summary>
public sealed record TenantLookupOptions
{
    /// <summary>
    /// The longest wait for a tenant's record before its request gets 503 with <c>Retry-After</c>: a hung Redis costs
    /// a cold tenant's request this much, not the Redis client's 5 s. Default 1 s.
    /// </summary>
    public TimeSpan LookupTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Reads the setting.</summary>
    /// <param name="settings">The service's settings.</param>
    /// <returns>The options.</returns>
    public static TenantLookupOptions Read(SettingsReader settings) => new()
    {
        LookupTimeout = settings.Milliseconds("TENANT_LOOKUP_TIMEOUT_MS", new TenantLookupOptions().LookupTimeout, minimum: 1, maximum: 60_000),
    };
}

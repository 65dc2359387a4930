using Tenancy.Databases;

namespace TenantService.Webhooks;

/// <summary>Settings of the Clerk webhook endpoint, read from the environment the AppHost sets.</summary>
internal sealed record ClerkWebhookOptions
{
    public const long MaxBodyBytes = 1024 * 1024;

    /// <summary>The svix signing secret, <c>whsec_</c> + base64 (<c>CLERK_WEBHOOK_SECRET</c>).</summary>
    public string? Secret { get; init; }

    /// <summary>The schema every new user's database follows (<c>USER_SCHEMA</c>).</summary>
    public DatabaseName UserSchema { get; init; } = DatabaseName.Parse("todos-schema");

    /// <summary>The schema every new organization's database follows (<c>ORG_SCHEMA</c>).</summary>
    public DatabaseName OrganizationSchema { get; init; } = DatabaseName.Parse("workspace-schema");

    /// <summary>How far a delivery's timestamp may be from now, either way, before it is refused as a replay.</summary>
    public TimeSpan TimestampTolerance { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a delivery id is remembered so that a redelivery does nothing.</summary>
    public TimeSpan ReplayWindow { get; init; } = TimeSpan.FromDays(3);

    public static ClerkWebhookOptions FromConfiguration(IConfiguration configuration) => new()
    {
        Secret = NonEmpty(configuration["CLERK_WEBHOOK_SECRET"]),
        UserSchema = Schema(configuration, "USER_SCHEMA", "todos-schema"),
        OrganizationSchema = Schema(configuration, "ORG_SCHEMA", "workspace-schema"),
    };

    private static DatabaseName Schema(IConfiguration configuration, string setting, string fallback)
    {
        var value = NonEmpty(configuration[setting]) ?? fallback;
        return DatabaseName.TryCreate(value, out var name, out var error)
            ? name
            : throw new InvalidOperationException($"{setting}: {error}");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

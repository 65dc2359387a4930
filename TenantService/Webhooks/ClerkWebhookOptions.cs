namespace TenantService.Webhooks;

/// <summary>Settings of the Clerk webhook endpoint, read from the environment the AppHost sets and validated once at start.</summary>
internal sealed record ClerkWebhookOptions
{
    public const long MaxBodyBytes = 1024 * 1024;

    private const string SecretPrefix = "whsec_";

    /// <summary>
    /// The HMAC key: the base64 part of the svix signing secret <c>whsec_</c> + base64 (<c>CLERK_WEBHOOK_SECRET</c>), decoded;
    /// null when unset, and every delivery is refused.
    /// </summary>
    public byte[]? SigningKey { get; init; }

    /// <summary>How far a delivery's timestamp may be from now, either way, before it is refused as a replay.</summary>
    public TimeSpan TimestampTolerance { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a delivery id is remembered so that a redelivery does nothing.</summary>
    public TimeSpan ReplayWindow { get; init; } = TimeSpan.FromDays(3);

    public static ClerkWebhookOptions Read(SettingsReader settings)
    {
        if (settings.Text("CLERK_WEBHOOK_SECRET") is not { } secret)
        {
            return new ClerkWebhookOptions();
        }

        var encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        var key = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, key, out var length) || length == 0)
        {
            // The value is a secret: the message says what is wrong without showing it.
            settings.AddProblem("CLERK_WEBHOOK_SECRET is not 'whsec_' followed by base64: copy the signing secret from the Clerk dashboard's webhook page, or unset it to refuse every delivery");
            return new ClerkWebhookOptions();
        }

        return new ClerkWebhookOptions { SigningKey = key[..length] };
    }
}

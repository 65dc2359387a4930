namespace TenantService.Webhooks;

/// <summary>Registrations of the Clerk webhook endpoint.</summary>
internal static class ClerkWebhookExtensions
{
    public static IHostApplicationBuilder AddClerkWebhooks(this IHostApplicationBuilder builder)
    {
        var options = ClerkWebhookOptions.FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<SvixSignatureVerifier>();
        builder.Services.AddSingleton<WebhookDeliveryLog>();
        return builder;
    }
}

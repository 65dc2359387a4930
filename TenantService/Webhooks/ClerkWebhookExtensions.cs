using Tenancy;

namespace TenantService.Webhooks;

/// <summary>Registrations of the Clerk webhook endpoint.</summary>
internal static class ClerkWebhookExtensions
{
    public static IHostApplicationBuilder AddClerkWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings(ClerkWebhookOptions.Read);
        builder.AddTenantSchemas();
        builder.Services.AddSingleton<SvixSignatureVerifier>();
        builder.Services.AddSingleton<WebhookDeliveryLog>();
        return builder;
    }
}

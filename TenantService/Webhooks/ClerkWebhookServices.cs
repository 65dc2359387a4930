using Tenancy.Databases;
using TenantService.Databases;

namespace TenantService.Webhooks;

/// <summary>What the webhook handler needs, bound with <c>[AsParameters]</c>.</summary>
internal sealed record ClerkWebhookServices(
    SvixSignatureVerifier Verifier,
    WebhookDeliveryLog Deliveries,
    DatabaseProvisioner Provisioner,
    TenantSchemaOptions Schemas,
    ILogger<ClerkWebhookServices> Logger);

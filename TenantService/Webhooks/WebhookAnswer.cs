using System.Text.Json.Serialization;

namespace TenantService.Webhooks;

/// <summary>The 200 answer to a delivery: what was done with it.</summary>
internal sealed record WebhookAnswer([property: JsonPropertyName("status")] string Status);

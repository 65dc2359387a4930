using TenantService.Catalog;

namespace TenantService.Webhooks;

/// <summary>
/// Remembers svix delivery ids in platform.db for the replay window, so a redelivery (or a replay within the
/// timestamp tolerance) is answered 200 and does nothing, even after Redis lost its data. A delivery whose
/// handling failed is forgotten again, so svix's retry is acted on.
/// </summary>
internal sealed class WebhookDeliveryLog(DatabaseCatalog catalog, ClerkWebhookOptions options, TimeProvider time)
{
    /// <summary>True when this delivery id is new and now claimed; false when it was seen before.</summary>
    public bool TryClaim(string messageId) => catalog.TryClaimDelivery(messageId, time.GetUtcNow(), options.ReplayWindow);

    public void Release(string messageId) => catalog.ReleaseDelivery(messageId);
}

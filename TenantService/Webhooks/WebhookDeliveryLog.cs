using StackExchange.Redis;
using Tenancy.Metadata;

namespace TenantService.Webhooks;

/// <summary>
/// Remembers svix delivery ids in Redis for the replay window, so a redelivery (or a replay within the
/// timestamp tolerance) is answered 200 and does nothing. A delivery whose handling failed is forgotten
/// again, so svix's retry is acted on.
/// </summary>
internal sealed class WebhookDeliveryLog(IConnectionMultiplexer redis, ClerkWebhookOptions options)
{
    /// <summary>True when this delivery id is new and now claimed; false when it was seen before.</summary>
    public Task<bool> TryClaimAsync(string messageId) =>
        redis.GetDatabase().StringSetAsync(RedisKeys.WebhookDelivery(messageId), "1", options.ReplayWindow, When.NotExists);

    public Task ReleaseAsync(string messageId) => redis.GetDatabase().KeyDeleteAsync(RedisKeys.WebhookDelivery(messageId));
}

using StackExchange.Redis;

namespace TenantService.Webhooks;

/// <summary>
/// Remembers svix delivery ids in Redis for the replay window, so a redelivery (or a replay within the
/// timestamp tolerance) is answered 200 and does nothing. A delivery whose handling failed is forgotten
/// again, so svix's retry is acted on.
/// </summary>
internal sealed class WebhookDeliveryLog(IConnectionMultiplexer redis, ClerkWebhookOptions options)
{
    /// <summary>Key <c>webhooks:svix:{svix-id}</c>, a string with a TTL of the replay window (3 days).</summary>
    public const string KeyPrefix = "webhooks:svix:";

    /// <summary>True when this delivery id is new and now claimed; false when it was seen before.</summary>
    public Task<bool> TryClaimAsync(string messageId) =>
        redis.GetDatabase().StringSetAsync(KeyPrefix + messageId, "1", options.ReplayWindow, When.NotExists);

    public Task ReleaseAsync(string messageId) => redis.GetDatabase().KeyDeleteAsync(KeyPrefix + messageId);
}

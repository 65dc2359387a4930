using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Tenancy.Metadata;

namespace Tenancy.Identity;

/// <summary>
/// Keeps <see cref="TokenRotations"/> in step with Redis: each rotation announced on <c>tokens:rotated</c> applies at once,
/// and the whole <c>tokens:rotations</c> hash is read after subscribing, on every reconnect and every
/// <see cref="TokenRotationFeedOptions.RefreshInterval"/>, so a message missed while Redis was away is caught up.
/// </summary>
internal sealed partial class TokenRotationFeed(
    TokenRotations rotations,
    IConnectionMultiplexer redis,
    TokenRotationFeedOptions options,
    ILogger<TokenRotationFeed> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        ChannelMessageQueue? queue = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    // Subscribed before the hash is read: a rotation between the two is then seen at least once.
                    queue ??= await SubscribeAsync();
                    await ReadAllAsync();
                }
                catch (Exception exception) when (exception is RedisException or TimeoutException)
                {
                    LogRefreshFailed(logger, exception);
                }

                await _wake.WaitAsync(options.RefreshInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            redis.ConnectionRestored -= OnConnectionRestored;
            if (queue is not null)
            {
                await queue.UnsubscribeAsync();
            }
        }
    }

    private async Task<ChannelMessageQueue> SubscribeAsync()
    {
        var queue = await redis.GetSubscriber().SubscribeAsync(RedisKeys.TokenRotatedChannel);
        queue.OnMessage(message =>
        {
            if (TokenRotationMessage.TryParse(message.Message, out var rotation))
            {
                rotations.Apply(rotation.Scope, rotation.NotBeforeMilliseconds);
            }
        });
        return queue;
    }

    private async Task ReadAllAsync()
    {
        foreach (var entry in await redis.GetDatabase().HashGetAllAsync(RedisKeys.TokenRotations))
        {
            if (long.TryParse((string?)entry.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var instant) && !entry.Name.IsNullOrEmpty)
            {
                rotations.Apply(entry.Name!, instant);
            }
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading token rotations from Redis failed; tokens rotated meanwhile are still refused by tenantservice, and this service retries.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}

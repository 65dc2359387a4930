using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Tenancy.Metadata;

namespace Tenancy.Connections;

/// <summary>
/// Feeds tenant events and close requests from Redis into the <see cref="TenantConnectionCache"/>, and drops it all on a
/// reconnect. Subscribed before the service takes requests when Redis answers; otherwise again and again in the
/// background, so a service starts without Redis.
/// </summary>
internal sealed partial class TenantCacheInvalidation(
    TenantConnectionCache cache,
    TenantMetadataStore metadata,
    IConnectionMultiplexer redis,
    TimeProvider time,
    ILogger<TenantCacheInvalidation> logger) : IHostedService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _stopping = new();
    private readonly List<IAsyncDisposable> _subscriptions = [];
    private Task _retrying = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        if (!await TrySubscribeAsync())
        {
            _retrying = RetryAsync(_stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored -= OnConnectionRestored;
        await _stopping.CancelAsync();
        await _retrying.ContinueWith(_ => { }, TaskScheduler.Default);
        foreach (var subscription in _subscriptions)
        {
            await subscription.DisposeAsync();
        }
    }

    private async Task RetryAsync(CancellationToken stoppingToken)
    {
        do
        {
            await Task.Delay(RetryDelay, time, stoppingToken);
        }
        while (!await TrySubscribeAsync());

        // Events published before the subscription were missed.
        cache.InvalidateAll();
    }

    private async Task<bool> TrySubscribeAsync()
    {
        try
        {
            _subscriptions.Add(await metadata.SubscribeAsync(ApplyAsync));
            _subscriptions.Add(await metadata.SubscribeCloseRequestsAsync(cache.CloseAsync));
            return true;
        }
        catch (RedisException exception)
        {
            LogSubscribeFailed(logger, exception);
            foreach (var subscription in _subscriptions)
            {
                await subscription.DisposeAsync().AsTask().ContinueWith(_ => { }, TaskScheduler.Default);
            }

            _subscriptions.Clear();
            return false;
        }
    }

    private Task ApplyAsync(TenantEvent tenantEvent)
    {
        cache.Apply(tenantEvent);
        return Task.CompletedTask;
    }

    // Events published while the connection was down are lost; nothing cached can be trusted.
    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => cache.InvalidateAll();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to tenant events and close requests; retrying")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);
}

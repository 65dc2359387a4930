using Polly;
using Polly.Retry;
using StackExchange.Redis;
using Tenancy.Metadata;

namespace Gateway.Provisioning;

/// <summary>
/// Keeps <see cref="TenantDirectory"/> in step with the platform's tenant events: a deleted database is
/// forgotten (so the next request provisions it again), a created one is remembered.
/// </summary>
internal sealed partial class TenantEventsListener(
    TenantMetadataStore store, TenantDirectory directory, TimeProvider timeProvider, ILogger<TenantEventsListener> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    // Until Redis answers, however long that takes: without the subscription deleted tenants are never forgotten.
    private readonly ResiliencePipeline _subscribeRetry = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<RedisException>(),
            MaxRetryAttempts = int.MaxValue,
            Delay = RetryDelay,
            BackoffType = DelayBackoffType.Constant,
            OnRetry = retry =>
            {
                LogSubscribeFailed(logger, retry.Outcome.Exception!);
                return ValueTask.CompletedTask;
            },
        })
        .Build();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Subscribing in the background keeps a slow Redis from holding up the gateway's start.
            var subscription = await _subscribeRetry.ExecuteAsync(
                async cancellationToken => await store.SubscribeAsync(OnEventAsync).WaitAsync(cancellationToken), stoppingToken);
            await using (subscription)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, timeProvider, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The gateway is stopping.
        }
    }

    private Task OnEventAsync(TenantEvent tenantEvent)
    {
        switch (tenantEvent.Type)
        {
            case TenantEventType.Deleted:
                directory.Forget(tenantEvent.Name.Value);
                break;
            case TenantEventType.Created:
                directory.Remember(tenantEvent.Name.Value);
                break;
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to tenant events; retrying")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);
}

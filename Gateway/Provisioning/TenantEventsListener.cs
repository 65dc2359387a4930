using Tenancy.Metadata;

namespace Gateway.Provisioning;

/// <summary>Keeps <see cref="TenantDirectory"/> in step with the platform's tenant events: deleted ones are forgotten.</summary>
internal sealed partial class TenantEventsListener(TenantMetadataStore store, TenantDirectory directory, ILogger<TenantEventsListener> logger) : IHostedService
{
    private IAsyncDisposable? subscription;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            subscription = await store.SubscribeAsync(OnEventAsync).WaitAsync(cancellationToken);
        }
        catch (StackExchange.Redis.RedisConnectionException exception)
        {
            // The gateway still works without events: unknown tenants go to creation, where 409 means "exists".
            LogSubscribeFailed(logger, exception);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (subscription is not null)
        {
            await subscription.DisposeAsync();
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to tenant events; deleted tenants stay cached until restart")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);
}

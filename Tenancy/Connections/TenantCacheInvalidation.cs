using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using Tenancy.Metadata;

namespace Tenancy.Connections;

/// <summary>Feeds tenant events from Redis into the <see cref="TenantConnectionCache"/>, and drops it all on a reconnect.</summary>
internal sealed class TenantCacheInvalidation(TenantConnectionCache cache, TenantMetadataStore metadata, IConnectionMultiplexer redis) : IHostedService
{
    private IAsyncDisposable? _subscription;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        _subscription = await metadata.SubscribeAsync(tenantEvent =>
        {
            cache.Apply(tenantEvent);
            return Task.CompletedTask;
        });
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored -= OnConnectionRestored;
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync();
        }
    }

    // Events published while the connection was down are lost; nothing cached can be trusted.
    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => cache.InvalidateAll();
}

using StackExchange.Redis;

namespace TenantService.Metadata;

/// <summary>
/// Keeps Redis filled from platform.db: at start, whenever the connection is restored, when a publish was
/// missed, and when a periodic probe finds the records gone (FLUSHALL, or Redis restarted empty).
/// </summary>
internal sealed partial class MetadataRepublisher(
    MetadataPublisher publisher,
    IConnectionMultiplexer redis,
    PlatformOptions options,
    ILogger<MetadataRepublisher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await SyncAsync(stoppingToken);
                await _wake.WaitAsync(options.MetadataCheckInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            redis.ConnectionRestored -= OnConnectionRestored;
        }
    }

    private async Task SyncAsync(CancellationToken stoppingToken)
    {
        if (!redis.IsConnected)
        {
            return;
        }

        try
        {
            if (publisher.RepublishNeeded || await publisher.LooksFlushedAsync())
            {
                await publisher.RepublishAllAsync(stoppingToken);
                // Every database's record just passed through the heap (at start, or after Redis came back): hand those pages
                // back now rather than keep them resident for the process's life (tests/Benchmarks memory, restart).
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            }
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            publisher.RequestRepublish();
            LogSyncFailed(logger, exception);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive)
        {
            return;
        }

        LogRestored(logger, e.EndPoint?.ToString());
        publisher.RequestRepublish();
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis connection to {EndPoint} restored; republishing every database's metadata.")]
    private static partial void LogRestored(ILogger logger, string? endPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Republishing metadata to Redis failed; retrying later.")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);
}

using StackExchange.Redis;

namespace TenantService.Tokens;

/// <summary>
/// Loads the revocation list from platform.db before requests are served, then keeps Redis's copy whole: every
/// <c>METADATA_CHECK_INTERVAL_MS</c> it is written again when it is short (FLUSHALL, a restart without persistence, a missed publish).
/// </summary>
internal sealed partial class TokenRotationSync(TokenRotator rotator, IConnectionMultiplexer redis, PlatformOptions options, ILogger<TokenRotationSync> logger)
    : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        rotator.LoadDurable();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (redis.IsConnected)
                {
                    try
                    {
                        if (await rotator.RepublishIfShortAsync() is > 0 and var written)
                        {
                            LogRepublished(logger, written);
                        }
                    }
                    catch (Exception exception) when (exception is RedisException or TimeoutException)
                    {
                        LogSyncFailed(logger, exception);
                    }
                }

                await Task.Delay(options.MetadataCheckInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Count} token rotations from platform.db back into Redis")]
    private static partial void LogRepublished(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing token rotations into Redis failed; retrying later")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);
}

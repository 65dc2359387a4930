using StackExchange.Redis;
using Tenancy.Metadata;
using TenantService.Catalog;
using TenantService.Metadata;

namespace TenantService.Databases;

/// <summary>
/// Closes a database in every service before its final backup: blocks reads and writes (platform.db and Redis, so no
/// service opens it again), asks every service with a connection cache to close it, and waits until each has
/// acknowledged that its last lease came back and its libSQL streams were rolled back. Then no process holds a
/// connection, every acknowledged write is in the file, and no later write can reach it.
/// </summary>
internal sealed partial class DatabaseCloser(
    DatabaseCatalog catalog,
    TenantMetadataStore store,
    MetadataPublisher metadata,
    TimeProvider time,
    ILogger<DatabaseCloser> logger)
{
    // Longer than a cache waits for its leases (10 s), so a slow service answers before the delete gives up.
    private static readonly TimeSpan AcknowledgementTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Closes <paramref name="entry"/> everywhere; false (and the database reopened) when a service did not confirm in time or Redis is unreachable.</summary>
    public async Task<bool> CloseEverywhereAsync(DatabaseEntry entry)
    {
        catalog.SetBlocks(entry.Name, blockWrites: true, blockReads: true);
        try
        {
            await store.SetAsync((entry with { BlockReads = true, BlockWrites = true }).ToRecord());
            if (await store.CloseEverywhereAsync(entry.Name, AcknowledgementTimeout, time))
            {
                return true;
            }

            LogNotAcknowledged(logger, entry.Name.Value, AcknowledgementTimeout.TotalSeconds);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogRedisUnavailable(logger, entry.Name.Value, exception);
        }

        await ReopenAsync(entry);
        return false;
    }

    /// <summary>Calls a close off: the database stays, and services may open it again.</summary>
    public async Task ReopenAsync(DatabaseEntry entry)
    {
        catalog.SetBlocks(entry.Name, entry.BlockWrites, blockReads: false);
        await metadata.PublishAsync(entry with { BlockReads = false }, TenantEventType.Reopened);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database '{Name}' was not closed by every service within {Seconds} s; the delete is called off and can be retried.")]
    private static partial void LogNotAcknowledged(ILogger logger, string name, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database '{Name}' cannot be closed in every service while Redis is unreachable; the delete is called off and can be retried.")]
    private static partial void LogRedisUnavailable(ILogger logger, string name, Exception exception);
}

using System.Collections.Concurrent;
using StackExchange.Redis;
using Tenancy.Connections;
using Tenancy.Databases;
using Tenancy.Metadata;
using TenantService.Catalog;

namespace TenantService.Metadata;

/// <summary>
/// Tells this process's connection cache, then Redis, about every create, delete, version change and write block.
/// Redis being down never fails the change itself (platform.db and the files are the truth): a publish that cannot
/// happen is remembered, and <see cref="MetadataRepublisher"/> brings Redis back in line once it answers again.
/// </summary>
internal sealed partial class MetadataPublisher(
    TenantMetadataStore store,
    IConnectionMultiplexer redis,
    DatabaseCatalog catalog,
    TenantConnectionCache cache,
    ILogger<MetadataPublisher> logger)
{
    private const int PageSize = 1000;

    private readonly ConcurrentDictionary<string, byte> _pendingRemovals = new(StringComparer.Ordinal);
    private volatile bool _republishNeeded = true;

    /// <summary>True when Redis missed a change, or has not been filled since this process started.</summary>
    public bool RepublishNeeded => _republishNeeded || !_pendingRemovals.IsEmpty;

    public void RequestRepublish() => _republishNeeded = true;

    public Task PublishAsync(DatabaseEntry entry, TenantEventType eventType)
    {
        // Here first, without the round trip through Redis: a block holds for this process's writers before the migration starts.
        cache.Apply(new TenantEvent(eventType, entry.Name, entry.Version, entry.BlockWrites));
        return PublishToRedisAsync(entry, eventType);
    }

    /// <summary>
    /// Publishes a change while <paramref name="record"/> writes it to platform.db: Redis's round trip and the record
    /// overlap. This process's cache hears of it only once it is recorded, so a database opened here meanwhile reads it.
    /// </summary>
    public async Task PublishAsync(DatabaseEntry entry, TenantEventType eventType, Func<Task> record)
    {
        var published = PublishToRedisAsync(entry, eventType);
        await record();
        cache.Apply(new TenantEvent(eventType, entry.Name, entry.Version, entry.BlockWrites));
        await published;
    }

    private async Task PublishToRedisAsync(DatabaseEntry entry, TenantEventType eventType)
    {
        _pendingRemovals.TryRemove(entry.Name.Value, out _);
        if (!redis.IsConnected)
        {
            Defer(entry.Name, null);
            return;
        }

        try
        {
            await store.PublishAsync(entry.ToRecord(), eventType);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            Defer(entry.Name, exception);
        }
    }

    public async Task RemoveAsync(DatabaseName name)
    {
        cache.Apply(new TenantEvent(TenantEventType.Deleted, name, 0, null));
        if (!redis.IsConnected)
        {
            _pendingRemovals[name.Value] = 0;
            LogDeferred(logger, name.Value, null);
            return;
        }

        try
        {
            await store.RemoveAsync(name);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            _pendingRemovals[name.Value] = 0;
            LogDeferred(logger, name.Value, exception);
        }
    }

    /// <summary>Writes every record from platform.db again and replays missed deletions.</summary>
    /// <returns>How many records were written.</returns>
    public async Task<int> RepublishAllAsync(CancellationToken cancellationToken)
    {
        _republishNeeded = false;
        try
        {
            var written = await store.RepublishAllAsync(ReadAll(), cancellationToken);
            foreach (var name in _pendingRemovals.Keys)
            {
                var databaseName = DatabaseName.Parse(name);
                // A database deleted while Redis was away may have been created again since.
                if (catalog.Find(databaseName) is null)
                {
                    await store.RemoveAsync(databaseName);
                }

                _pendingRemovals.TryRemove(name, out _);
            }

            LogRepublished(logger, written);
            return written;
        }
        catch
        {
            _republishNeeded = true;
            throw;
        }
    }

    /// <summary>True when Redis lost the records (a flush, a restart without persistence): probes one known record.</summary>
    public async Task<bool> LooksFlushedAsync()
    {
        if (catalog.Page(string.Empty, 1) is not [var first])
        {
            return false;
        }

        return await store.GetAsync(first.Name) is null;
    }

    private IEnumerable<TenantRecord> ReadAll()
    {
        var after = string.Empty;
        while (true)
        {
            var page = catalog.Page(after, PageSize);
            foreach (var entry in page)
            {
                yield return entry.ToRecord();
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            after = page[^1].Name.Value;
        }
    }

    private void Defer(DatabaseName name, Exception? exception)
    {
        _republishNeeded = true;
        LogDeferred(logger, name.Value, exception);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unavailable; metadata of '{Name}' will be published when it is back.")]
    private static partial void LogDeferred(ILogger logger, string name, Exception? exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Republished the metadata of {Count} databases to Redis.")]
    private static partial void LogRepublished(ILogger logger, int count);
}

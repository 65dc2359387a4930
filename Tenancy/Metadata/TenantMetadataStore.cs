using System.Text.Json;
using StackExchange.Redis;
using Tenancy.Databases;

namespace Tenancy.Metadata;

/// <summary>
/// Tenant metadata cached in Redis (keys in <see cref="RedisKeys"/>): records to read on the hot path and events that
/// tell every service instance when a database was created, deleted or migrated.
/// </summary>
public sealed class TenantMetadataStore : ITenantDirectory
{
    private const int RepublishBatchSize = 1000;
    private const int BatchesInFlight = 8;

    private readonly IConnectionMultiplexer _redis;
    private readonly TenantLookupOptions _lookup;
    private readonly TimeProvider _time;

    /// <summary>Creates a store on <paramref name="redis"/>.</summary>
    /// <param name="redis">The shared Redis connection.</param>
    /// <param name="lookup">How long <see cref="FindAsync"/> waits for Redis; the default when null.</param>
    /// <param name="time">The clock of that wait; the system's when null.</param>
    public TenantMetadataStore(IConnectionMultiplexer redis, TenantLookupOptions? lookup = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        _lookup = lookup ?? new TenantLookupOptions();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Writes <paramref name="record"/> and then announces <paramref name="eventType"/> for it, so a subscriber that
    /// reacts to the event reads the new record.
    /// </summary>
    /// <param name="record">The database's current metadata.</param>
    /// <param name="eventType">What happened: <see cref="TenantEventType.Created"/>, <see cref="TenantEventType.Migrating"/>
    /// or <see cref="TenantEventType.Migrated"/> (use <see cref="RemoveAsync"/> for deletions).</param>
    /// <returns>A task that completes when Redis has stored the record and accepted the event.</returns>
    public async Task PublishAsync(TenantRecord record, TenantEventType eventType)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (eventType == TenantEventType.Deleted)
        {
            throw new ArgumentException("A deletion removes the record; call RemoveAsync instead of publishing a Deleted event with a record.", nameof(eventType));
        }

        // Sent back to back on one connection, Redis runs the SET before the PUBLISH: one round trip, same order.
        var write = _redis.GetDatabase().StringSetAsync(RedisKeys.Tenant(record.Name), Serialize(record));
        var announce = PublishEventAsync(new TenantEvent(eventType, record.Name, record.Version, record.BlockWrites));
        await Task.WhenAll(write, announce);
    }

    /// <summary>Writes <paramref name="record"/> without announcing anything (for example a cache refill).</summary>
    /// <param name="record">The database's current metadata.</param>
    /// <returns>A task that completes when Redis has stored the record.</returns>
    public Task SetAsync(TenantRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return _redis.GetDatabase().StringSetAsync(RedisKeys.Tenant(record.Name), Serialize(record));
    }

    /// <summary>Announces <paramref name="tenantEvent"/> on <see cref="RedisKeys.EventsChannel"/>.</summary>
    /// <param name="tenantEvent">The event.</param>
    /// <returns>A task that completes when Redis has accepted the event.</returns>
    public Task PublishEventAsync(TenantEvent tenantEvent)
    {
        ArgumentNullException.ThrowIfNull(tenantEvent);
        var payload = JsonSerializer.SerializeToUtf8Bytes(tenantEvent, MetadataJsonContext.Default.TenantEvent);
        return _redis.GetSubscriber().PublishAsync(RedisKeys.EventsChannel, payload);
    }

    /// <summary>Reads the cached metadata of <paramref name="name"/>.</summary>
    /// <param name="name">The database.</param>
    /// <returns>The record, or <c>null</c> when Redis has none (unknown database, or not republished yet after a flush).</returns>
    public async Task<TenantRecord?> GetAsync(DatabaseName name)
    {
        var value = await _redis.GetDatabase().StringGetAsync(RedisKeys.Tenant(name));
        return value.IsNull ? null : JsonSerializer.Deserialize((byte[])value!, MetadataJsonContext.Default.TenantRecord);
    }

    /// <inheritdoc/>
    /// <remarks>Answers within <see cref="TenantLookupOptions.LookupTimeout"/>, and at once while Redis is disconnected (the client would queue the command for its own 5 s).</remarks>
    public async Task<TenantRecord?> FindAsync(DatabaseName name)
    {
        if (!_redis.IsConnected)
        {
            throw new TenantDirectoryUnavailableException($"Redis is not connected; the metadata of database '{name.Value}' cannot be read.");
        }

        try
        {
            return await GetAsync(name).WaitAsync(_lookup.LookupTimeout, _time);
        }
        catch (TimeoutException exception) when (exception is not RedisTimeoutException)
        {
            throw new TenantDirectoryUnavailableException(
                $"Redis did not answer within TENANT_LOOKUP_TIMEOUT_MS ({_lookup.LookupTimeout.TotalMilliseconds:0} ms); the metadata of database '{name.Value}' cannot be read.", exception);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            throw new TenantDirectoryUnavailableException($"The metadata of database '{name.Value}' could not be read from Redis.", exception);
        }
    }

    /// <summary>
    /// Asks every service with a connection cache to close <paramref name="name"/> (<see cref="RedisKeys.CloseChannel"/>) and waits
    /// until each one that received the request has acknowledged: then no process holds a connection to the file.
    /// </summary>
    /// <param name="name">The database being deleted or replaced.</param>
    /// <param name="timeout">How long to wait for the acknowledgements.</param>
    /// <param name="time">The clock of the wait.</param>
    /// <returns>True when every receiver acknowledged in time.</returns>
    public async Task<bool> CloseEverywhereAsync(DatabaseName name, TimeSpan timeout, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var request = new CloseRequest(name, Guid.NewGuid().ToString("N"));
        var acks = RedisKeys.CloseAcks(request.Id);
        var db = _redis.GetDatabase();
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, MetadataJsonContext.Default.CloseRequest);
        var receivers = await _redis.GetSubscriber().PublishAsync(RedisKeys.CloseChannel, payload);
        var started = time.GetTimestamp();
        try
        {
            // Redis has no blocking wait on a list length; acknowledgements take milliseconds, so a short poll is cheap.
            while (await db.ListLengthAsync(acks) < receivers)
            {
                if (time.GetElapsedTime(started) >= timeout)
                {
                    return false;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(5), time);
            }

            return true;
        }
        finally
        {
            await db.KeyDeleteAsync(acks, CommandFlags.FireAndForget);
        }
    }

    /// <summary>
    /// Calls <paramref name="close"/> for every <see cref="CloseRequest"/> and acknowledges the request when it returns true.
    /// One subscription per process: the requester counts receivers by connection.
    /// </summary>
    /// <param name="close">Closes the database in this process; true when nothing of it is left open.</param>
    /// <returns>The subscription; dispose it to stop.</returns>
    public async Task<IAsyncDisposable> SubscribeCloseRequestsAsync(Func<DatabaseName, Task<bool>> close)
    {
        ArgumentNullException.ThrowIfNull(close);
        var queue = await _redis.GetSubscriber().SubscribeAsync(RedisKeys.CloseChannel);
        // Concurrently: one slow close must not hold back another database's.
        queue.OnMessage(message => _ = Task.Run(async () =>
        {
            if (TryDeserialize(message.Message, MetadataJsonContext.Default.CloseRequest) is not { } request || !await close(request.Name))
            {
                return;
            }

            var db = _redis.GetDatabase();
            var acks = RedisKeys.CloseAcks(request.Id);
            await db.ListRightPushAsync(acks, 1);
            await db.KeyExpireAsync(acks, TimeSpan.FromMinutes(1), CommandFlags.FireAndForget);
        }));
        // A request that fails to close or acknowledge is simply not acknowledged: the requester times out and keeps the database.
        return new Subscription(queue);
    }

    /// <summary>Deletes the record of <paramref name="name"/> and announces <see cref="TenantEventType.Deleted"/>.</summary>
    /// <param name="name">The database.</param>
    /// <returns>A task that completes when Redis has deleted the record and accepted the event.</returns>
    public async Task RemoveAsync(DatabaseName name)
    {
        var delete = _redis.GetDatabase().KeyDeleteAsync(RedisKeys.Tenant(name));
        var announce = PublishEventAsync(new TenantEvent(TenantEventType.Deleted, name, 0, null));
        await Task.WhenAll(delete, announce);
    }

    /// <summary>
    /// Writes every record again, without events: how the platform refills Redis from <c>platform.db</c> at start or
    /// after Redis lost its data. Records go in <c>MSET</c> batches of 1,000 with a few batches in flight, so 100,000
    /// records take about a hundred pipelined commands. Keys of databases missing from <paramref name="records"/> are left alone.
    /// </summary>
    /// <param name="records">Every database's metadata.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>The number of records written.</returns>
    public async Task<int> RepublishAllAsync(IEnumerable<TenantRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var db = _redis.GetDatabase();
        var inFlight = new Queue<Task>(BatchesInFlight);
        var count = 0;
        foreach (var batch in records.Chunk(RepublishBatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (inFlight.Count == BatchesInFlight)
            {
                await inFlight.Dequeue();
            }

            inFlight.Enqueue(db.StringSetAsync(Array.ConvertAll(batch, r => new KeyValuePair<RedisKey, RedisValue>(RedisKeys.Tenant(r.Name), Serialize(r)))));
            count += batch.Length;
        }

        await Task.WhenAll(inFlight);
        return count;
    }

    /// <summary>
    /// Calls <paramref name="handler"/> for every event on <see cref="RedisKeys.EventsChannel"/>, one at a time in the
    /// order published, until the returned subscription is disposed. Events published before the returned task
    /// completes, or while Redis is unreachable, are missed (the connection resubscribes on its own): treat a reconnect
    /// as "anything may have changed". Malformed messages are skipped.
    /// </summary>
    /// <param name="handler">Receives each event.</param>
    /// <param name="onError">Receives an exception thrown by <paramref name="handler"/>; the subscription goes on either way.
    /// Pass it to log: without it StackExchange.Redis drops such exceptions silently.</param>
    /// <returns>The subscription; dispose it to stop.</returns>
    public async Task<IAsyncDisposable> SubscribeAsync(Func<TenantEvent, Task> handler, Action<TenantEvent, Exception>? onError = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var queue = await _redis.GetSubscriber().SubscribeAsync(RedisKeys.EventsChannel);
        queue.OnMessage(async message =>
        {
            var tenantEvent = TryDeserialize(message.Message, MetadataJsonContext.Default.TenantEvent);
            if (tenantEvent is null)
            {
                return;
            }

            try
            {
                await handler(tenantEvent);
            }
            catch (Exception exception) when (onError is not null)
            {
                onError(tenantEvent, exception);
            }
        });
        return new Subscription(queue);
    }

    private static byte[] Serialize(TenantRecord record) =>
        JsonSerializer.SerializeToUtf8Bytes(record, MetadataJsonContext.Default.TenantRecord);

    private static T? TryDeserialize<T>(RedisValue value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize((byte[])value!, type);
        }
        catch (JsonException)
        {
            // Another writer's malformed message must not stop this subscriber.
            return null;
        }
    }

    private sealed class Subscription(ChannelMessageQueue queue) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => new(queue.UnsubscribeAsync());
    }
}

using System.Threading.Channels;
using StackExchange.Redis;
using Tenancy.Databases;
using Tenancy.Metadata;
using Testing;

namespace Tenancy.Tests;

public sealed class TenantMetadataStoreTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly TimeSpan EventWait = TimeSpan.FromSeconds(10);

    private readonly TenantMetadataStore _store = new(redis.Connection);

    private static TenantRecord Record(string name, long version = 1, DatabaseKind kind = DatabaseKind.Child) =>
        new(DatabaseName.Parse(name), kind, kind == DatabaseKind.Child ? "todos-schema" : null, version, false, false,
            new DateTimeOffset(2026, 11, 23, 9, 30, 0, TimeSpan.Zero));

    private static string UniqueName() => "t-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task APublishedRecordCanBeReadBack()
    {
        var record = Record(UniqueName(), version: 4) with { BlockWrites = true };
        await _store.PublishAsync(record, TenantEventType.Created);
        Assert.Equal(record, await _store.GetAsync(record.Name));
    }

    [Fact]
    public async Task AnUnknownDatabaseHasNoRecord() =>
        Assert.Null(await _store.GetAsync(DatabaseName.Parse(UniqueName())));

    [Fact]
    public async Task RecordsAreStoredAsSnakeCaseJsonUnderTheTenantKey()
    {
        var record = Record(UniqueName(), kind: DatabaseKind.Standalone);
        await _store.SetAsync(record);
        var json = (string?)await redis.Connection.GetDatabase().StringGetAsync("tenant:" + record.Name.Value);
        Assert.NotNull(json);
        Assert.Contains($"\"name\":\"{record.Name.Value}\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"standalone\"", json, StringComparison.Ordinal);
        Assert.Contains("\"block_writes\":false", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemovingARecordDeletesIt()
    {
        var record = Record(UniqueName());
        await _store.SetAsync(record);
        await _store.RemoveAsync(record.Name);
        Assert.Null(await _store.GetAsync(record.Name));
    }

    [Fact]
    public async Task ASubscriberReceivesCreatedMigratingMigratedAndDeletedInOrder()
    {
        var received = Channel.CreateUnbounded<TenantEvent>();
        var name = UniqueName();
        await using (await _store.SubscribeAsync(e => e.Name.Value == name ? received.Writer.WriteAsync(e).AsTask() : Task.CompletedTask))
        {
            var record = Record(name);
            await _store.PublishAsync(record, TenantEventType.Created);
            await _store.PublishAsync(record with { BlockWrites = true }, TenantEventType.Migrating);
            await _store.PublishAsync(record with { Version = 2 }, TenantEventType.Migrated);
            await _store.RemoveAsync(record.Name);

            using var timeout = new CancellationTokenSource(EventWait);
            var events = new List<TenantEvent>();
            for (var i = 0; i < 4; i++)
            {
                events.Add(await received.Reader.ReadAsync(timeout.Token));
            }

            Assert.Equal(
                [
                    new TenantEvent(TenantEventType.Created, record.Name, 1, false),
                    new TenantEvent(TenantEventType.Migrating, record.Name, 1, true),
                    new TenantEvent(TenantEventType.Migrated, record.Name, 2, false),
                    new TenantEvent(TenantEventType.Deleted, record.Name, 0, null),
                ],
                events);
        }
    }

    [Fact]
    public async Task ASubscriberReactingToAnEventReadsTheNewRecord()
    {
        var seen = Channel.CreateUnbounded<TenantRecord?>();
        var record = Record(UniqueName(), version: 9);
        await using (await _store.SubscribeAsync(async e =>
        {
            if (e.Name == record.Name)
            {
                await seen.Writer.WriteAsync(await _store.GetAsync(e.Name));
            }
        }))
        {
            await _store.PublishAsync(record, TenantEventType.Migrated);
            using var timeout = new CancellationTokenSource(EventWait);
            Assert.Equal(record, await seen.Reader.ReadAsync(timeout.Token));
        }
    }

    [Fact]
    public async Task ASubscriberSkipsMalformedMessages()
    {
        var received = Channel.CreateUnbounded<TenantEvent>();
        var name = UniqueName();
        await using (await _store.SubscribeAsync(e => received.Writer.WriteAsync(e).AsTask()))
        {
            await redis.Connection.GetSubscriber().PublishAsync(RedisKeys.EventsChannel, "{not json");
            await _store.PublishAsync(Record(name), TenantEventType.Created);
            using var timeout = new CancellationTokenSource(EventWait);
            Assert.Equal(name, (await received.Reader.ReadAsync(timeout.Token)).Name.Value);
        }
    }

    [Fact]
    public async Task AFailingHandlerIsReportedAndTheSubscriptionGoesOn()
    {
        var received = Channel.CreateUnbounded<TenantEvent>();
        var failures = Channel.CreateUnbounded<Exception>();
        var first = UniqueName();
        var second = UniqueName();
        await using (await _store.SubscribeAsync(
            e => e.Name.Value == first ? throw new InvalidOperationException("handler failed") : received.Writer.WriteAsync(e).AsTask(),
            (_, exception) => failures.Writer.TryWrite(exception)))
        {
            await _store.PublishAsync(Record(first), TenantEventType.Created);
            await _store.PublishAsync(Record(second), TenantEventType.Created);
            using var timeout = new CancellationTokenSource(EventWait);
            Assert.Equal("handler failed", (await failures.Reader.ReadAsync(timeout.Token)).Message);
            Assert.Equal(second, (await received.Reader.ReadAsync(timeout.Token)).Name.Value);
        }
    }

    [Fact]
    public async Task RepublishingAfterAFlushRestoresEveryRecord()
    {
        var records = Enumerable.Range(0, 100_000).Select(i => Record($"republish-{i}", version: i)).ToList();
        await _store.RepublishAllAsync(records);
        await redis.Connection.GetServers()[0].FlushAllDatabasesAsync();
        Assert.Null(await _store.GetAsync(records[0].Name));

        Assert.Equal(records.Count, await _store.RepublishAllAsync(records));
        Assert.Equal(records.Count, await redis.Connection.GetServers()[0].DatabaseSizeAsync());
        foreach (var record in new[] { records[0], records[999], records[1000], records[54_321], records[^1] })
        {
            Assert.Equal(record, await _store.GetAsync(record.Name));
        }
    }
}

using System.Collections.Concurrent;
using Tenancy.Databases;
using Tenancy.Metadata;
using Testing;

namespace Migrations.Tests;

[Collection(MigrationsCollection.Name)]
public sealed class WriteBlockTests(RedisFixture redis) : MigrationFixture(redis)
{
    private readonly ConcurrentQueue<TenantEvent> _events = new();
    private IAsyncDisposable? _subscription;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["MIGRATION_PARALLELISM"] = "1" };

    private TenantMetadataStore Store => new(Redis.Connection);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _subscription = await Store.SubscribeAsync(tenantEvent =>
        {
            _events.Enqueue(tenantEvent);
            return Task.CompletedTask;
        });
    }

    public override async Task DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    [Fact]
    public async Task RollingBlocksEachChildOnlyWhileItsOwnTaskRuns()
    {
        string[] children = ["roll-1", "roll-2", "roll-3"];
        await CreateSchemaWithChildrenAsync("roll-schema", "CREATE TABLE t (x);", children);

        var job = await Api.MigrateAndWaitAsync("roll-schema", "ALTER TABLE t ADD COLUMN y;", lockMode: "rolling");

        Assert.Equal("RunSuccess", (string)job["status"]!);
        var events = await EventsOfAsync(children);
        Assert.Equal(1, MostBlockedAtOnce(events));
        foreach (var child in children)
        {
            var own = events.Where(e => e.Name.Value == child).ToList();
            Assert.Equal(TenantEventType.Migrating, own[0].Type);
            Assert.True(own[0].BlockWrites);
            Assert.Equal(TenantEventType.Migrated, own[^1].Type);
            Assert.False(own[^1].BlockWrites);
            Assert.Equal(2, own[^1].Version);
            var record = await Store.GetAsync(DatabaseName.Parse(child));
            Assert.False(record!.BlockWrites);
            Assert.Equal(2, record.Version);
        }
    }

    [Fact]
    public async Task AllBlocksEveryChildFromTheDryRunUntilTheJobEnds()
    {
        string[] children = ["all-1", "all-2", "all-3"];
        await CreateSchemaWithChildrenAsync("all-schema", "CREATE TABLE t (x);", children);

        var job = await Api.MigrateAndWaitAsync("all-schema", "ALTER TABLE t ADD COLUMN y;", lockMode: "all");

        Assert.Equal("RunSuccess", (string)job["status"]!);
        var events = await EventsOfAsync(children);
        Assert.Equal(children.Length, MostBlockedAtOnce(events));
        // Every block came before the first release.
        var firstRelease = events.FindIndex(e => e.BlockWrites == false);
        Assert.Equal(children.Length, events.Take(firstRelease).Count(e => e.Type == TenantEventType.Migrating));
        foreach (var child in children)
        {
            var record = await Store.GetAsync(DatabaseName.Parse(child));
            Assert.False(record!.BlockWrites);
            Assert.Equal(2, record.Version);
        }
    }

    [Fact]
    public async Task AFailedDryRunUnderAllReleasesEveryChild()
    {
        string[] children = ["undo-1", "undo-2"];
        await CreateSchemaWithChildrenAsync("undo-schema", "CREATE TABLE t (x);", children);

        var job = await Api.MigrateAndWaitAsync("undo-schema", "ALTER TABLE missing ADD COLUMN y;", lockMode: "all");

        Assert.Equal("DryRunFailure", (string)job["status"]!);
        Assert.Contains("no such table: missing", (string)job["error"]!);
        var events = await EventsOfAsync(children);
        Assert.Equal(0, Replay(events).Last());
        foreach (var child in children)
        {
            Assert.False((await Store.GetAsync(DatabaseName.Parse(child)))!.BlockWrites);
        }
    }

    /// <summary>The events about <paramref name="names"/>, once every name has been released (pub/sub delivers a little later).</summary>
    private async Task<List<TenantEvent>> EventsOfAsync(string[] names)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var events = _events.Where(e => names.Contains(e.Name.Value) && e.Type is TenantEventType.Migrating or TenantEventType.Migrated).ToList();
            if (names.All(name => events.LastOrDefault(e => e.Name.Value == name) is { BlockWrites: false }) || DateTime.UtcNow > deadline)
            {
                return events;
            }

            await Task.Delay(50);
        }
    }

    private static int MostBlockedAtOnce(List<TenantEvent> events) => Replay(events).Max();

    private static IEnumerable<int> Replay(List<TenantEvent> events)
    {
        var blocked = new HashSet<string>();
        foreach (var e in events)
        {
            if (e.BlockWrites == true)
            {
                blocked.Add(e.Name.Value);
            }
            else
            {
                blocked.Remove(e.Name.Value);
            }

            yield return blocked.Count;
        }
    }
}

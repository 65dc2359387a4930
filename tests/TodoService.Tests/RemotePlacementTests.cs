using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tenancy.Metadata;
using Testing;

namespace TodoService.Tests;

/// <summary>
/// Issue 19 item 2: a user whose record places their database on a remote libSQL server (another node of the platform,
/// a real TenantService process) uses the todo API exactly as a local user does, and the node's failures reach them as
/// clear answers.
/// </summary>
public sealed class RemotePlacementTests(RemotePlacementFixture fixture) : IClassFixture<RemotePlacementFixture>
{
    [Fact]
    public async Task TodosOfARemoteUserAreListedCreatedUpdatedAndDeletedInTheRemoteNodesFile()
    {
        var (name, client) = await fixture.NewRemoteUserAsync();
        var path = fixture.Remote.DatabasePath(name);

        var created = await client.PostAsJsonAsync("/api/todos", new { description = "  remote milk  " });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        (await client.PostAsJsonAsync("/api/todos", new { description = "second" })).EnsureSuccessStatusCode();
        Assert.Equal(new Dictionary<long, string> { [id] = "remote milk", [id + 1] = "second" }, TodoFile.Rows(path));

        var patched = await client.PatchAsJsonAsync($"/api/todos/{id}", new { description = "remote oat milk", completed = true });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.True((await patched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("completed").GetBoolean());
        Assert.Equal("remote oat milk", TodoFile.Rows(path)[id]);

        var page = await client.GetFromJsonAsync<JsonElement>("/api/todos?limit=1");
        Assert.Equal("second", page.GetProperty("items")[0].GetProperty("description").GetString());
        var next = await client.GetFromJsonAsync<JsonElement>("/api/todos?limit=1&cursor=" + page.GetProperty("next_cursor").GetString());
        Assert.Equal("remote oat milk", next.GetProperty("items")[0].GetProperty("description").GetString());
        Assert.True((await client.GetFromJsonAsync<JsonElement>($"/api/todos/{id}")).GetProperty("completed").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/todos/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/todos/{id}")).StatusCode);
        Assert.Equal(["second"], TodoFile.Rows(path).Values);

        // Nothing of it is on this node: no file here, and the cache counts it among the remote tenants.
        Assert.False(File.Exists(fixture.Local.Users.Factory.Layout.DatabasePath(name)));
        Assert.InRange(fixture.Service.Cache.RemoteDatabases, 1, int.MaxValue);
    }

    [Fact]
    public async Task ARemoteUsersWritesWaitForAWriteBlockOnTheRecordAndAreRefusedWhileReadsGoOn()
    {
        var (name, client) = await fixture.NewRemoteUserAsync();
        var url = fixture.Remote.LibsqlUrl(name);
        (await client.PostAsJsonAsync("/api/todos", new { description = "before" })).EnsureSuccessStatusCode();

        await fixture.Metadata.PublishAsync(RemotePlacementFixture.Record(name, url, blockWrites: true), TenantEventType.Migrating);
        await Eventually.TrueAsync(async () => (await client.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("status").GetString() == "migrating",
            "todoservice sees the write block");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/todos")).StatusCode);
        var refused = await client.PostAsJsonAsync("/api/todos", new { description = "blocked" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.DoesNotContain("blocked", TodoFile.Descriptions(fixture.Remote.DatabasePath(name)));

        // A write that arrives during the block goes through once the block clears.
        var waiting = client.PostAsJsonAsync("/api/todos", new { description = "waited" });
        await Task.Delay(200);
        await fixture.Metadata.PublishAsync(RemotePlacementFixture.Record(name, url, blockWrites: false), TenantEventType.Migrated);
        Assert.Equal(HttpStatusCode.Created, (await waiting).StatusCode);

        var items = (await client.GetFromJsonAsync<JsonElement>("/api/todos")).GetProperty("items").EnumerateArray();
        Assert.Equal(["waited", "before"], items.Select(item => item.GetProperty("description").GetString()));
    }

    [Fact]
    public async Task ADeleteEventMakesARemoteTenantRefused()
    {
        var (name, client) = await fixture.NewRemoteUserAsync();
        (await client.PostAsJsonAsync("/api/todos", new { description = "x" })).EnsureSuccessStatusCode();

        await fixture.Metadata.RemoveAsync(name);

        await Eventually.TrueAsync(async () => (await client.GetAsync("/api/todos")).StatusCode == HttpStatusCode.NotFound, "the deleted tenant is refused");
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/api/todos", new { description = "after" })).StatusCode);
        Assert.Equal(["x"], TodoFile.Descriptions(fixture.Remote.DatabasePath(name)));
    }

    [Fact]
    public async Task ACloseRequestClosesARemoteTenantUntilItIsReopened()
    {
        var (name, client) = await fixture.NewRemoteUserAsync();
        (await client.PostAsJsonAsync("/api/todos", new { description = "x" })).EnsureSuccessStatusCode();

        Assert.True(await fixture.Metadata.CloseEverywhereAsync(name, TimeSpan.FromSeconds(10), TimeProvider.System));
        var closed = await client.GetAsync("/api/todos");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, closed.StatusCode);
        Assert.NotNull(closed.Headers.RetryAfter);

        await fixture.Metadata.PublishEventAsync(new TenantEvent(TenantEventType.Reopened, name, 1, false));
        await Eventually.TrueAsync(async () => (await client.GetAsync("/api/todos")).StatusCode == HttpStatusCode.OK, "the reopened tenant is served again");
    }

    [Fact]
    public async Task ADatabaseDeletedOnTheRemoteNodeIsNotFoundForItsUser()
    {
        var (name, client) = await fixture.NewRemoteUserAsync();
        (await client.PostAsJsonAsync("/api/todos", new { description = "x" })).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.OK, (await fixture.Remote.Client.DeleteAsync($"/v1/organizations/local/databases/{name.Value}")).StatusCode);

        var read = await client.GetAsync("/api/todos");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal("application/problem+json", read.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/api/todos", new { description = "after" })).StatusCode);
    }

    [Fact]
    public async Task RemoteTenantsAreCountedApartFromLocalOnesInTheCacheMetrics()
    {
        var (_, client) = await fixture.NewRemoteUserAsync();
        (await client.GetAsync("/api/todos")).EnsureSuccessStatusCode();

        var open = new ConcurrentDictionary<string, int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "TenantPlatform.Tenancy" && instrument.Name == "tenancy.connection_cache.open_databases")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "tenancy.storage_backend")
                {
                    open.AddOrUpdate((string)tag.Value!, value, (_, sum) => sum + value);
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.True(open.GetValueOrDefault(RemotePlacementFixture.Backend) >= 1, $"open databases by backend: {string.Join(", ", open)}");
        Assert.True(open.ContainsKey("local"), $"open databases by backend: {string.Join(", ", open)}");
    }

    [Fact]
    public async Task ARemoteWriteThatTimesOutIsAnswered503AndNeverSentAgain()
    {
        await using var proxy = new DelayingProxy(fixture.Remote.Address);
        await using var host = fixture.NewHost(new Dictionary<string, string?> { ["Tenancy:RemoteTimeout"] = "00:00:01" });
        var (name, client) = await fixture.NewRemoteUserAsync(host, via: proxy.Address);
        (await client.PostAsJsonAsync("/api/todos", new { description = "warm" })).EnsureSuccessStatusCode();
        var postsBefore = proxy.Posts;

        proxy.AnswerDelay = TimeSpan.FromSeconds(3);
        var slow = await client.PostAsJsonAsync("/api/todos", new { description = "slow" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, slow.StatusCode);
        Assert.NotNull(slow.Headers.RetryAfter);
        Assert.Contains("may have been saved", (await slow.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Eventually.TrueAsync(() => Task.FromResult(proxy.HeldAnswers >= 1), "the remote node's answer reached the proxy", TimeSpan.FromSeconds(30));
        proxy.AnswerDelay = TimeSpan.Zero;

        // The node ran the insert once; nobody sent it again.
        Assert.Equal(postsBefore + 1, proxy.Posts);
        Assert.Single(TodoFile.Rows(fixture.Remote.DatabasePath(name)).Values, description => description == "slow");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/todos")).StatusCode);
    }

    [Fact]
    public async Task ARemoteNodeKilledAndRestartedMidLoadGives503sLosesNothingAcknowledgedAndIsUsedAgain()
    {
        var (name, client) = await fixture.NewRemoteUserAsync();
        (await client.PostAsJsonAsync("/api/todos", new { description = "first" })).EnsureSuccessStatusCode();
        var acknowledged = new ConcurrentBag<string>();
        var unexpected = new ConcurrentBag<string>();
        var unavailable = 0;
        var restarted = 0;
        var servedAfterRestart = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        async Task WriteAsync(int writer)
        {
            for (var i = 0; !stop.IsCancellationRequested && i < 5_000; i++)
            {
                var description = $"w{writer}-{i}";
                var wasRestarted = Volatile.Read(ref restarted) == 1;
                using var response = await client.PostAsJsonAsync("/api/todos", new { description }, CancellationToken.None);
                await CountAsync(response, wasRestarted, () => acknowledged.Add(description));
            }
        }

        async Task ReadAsync()
        {
            for (var i = 0; !stop.IsCancellationRequested && i < 5_000; i++)
            {
                var wasRestarted = Volatile.Read(ref restarted) == 1;
                using var response = await client.GetAsync("/api/todos", CancellationToken.None);
                await CountAsync(response, wasRestarted, () => { });
            }
        }

        async Task CountAsync(HttpResponseMessage response, bool wasRestarted, Action onSuccess)
        {
            if (response.IsSuccessStatusCode)
            {
                onSuccess();
                Interlocked.Add(ref servedAfterRestart, wasRestarted ? 1 : 0);
            }
            else if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null)
            {
                Interlocked.Increment(ref unavailable);
                await Task.Delay(20);
            }
            else
            {
                unexpected.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }

        var load = Task.WhenAll(WriteAsync(0), WriteAsync(1), WriteAsync(2), ReadAsync());
        await Eventually.TrueAsync(() => Task.FromResult(acknowledged.Count >= 30), "writes are acknowledged before the kill", TimeSpan.FromSeconds(60));

        fixture.Remote.Kill();
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref unavailable) >= 10), "requests get 503 while the node is down", TimeSpan.FromSeconds(60));
        await fixture.Remote.RestartAsync();
        Volatile.Write(ref restarted, 1);
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref servedAfterRestart) >= 30), "todoservice uses the restarted node", TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await load;

        Assert.True(unexpected.IsEmpty, $"{unexpected.Count} answers were neither a success nor a 503 with Retry-After: {string.Join(" | ", unexpected.Take(3))}");
        var saved = TodoFile.Descriptions(fixture.Remote.DatabasePath(name));
        var lost = acknowledged.Where(description => !saved.Contains(description)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged todos are not in the node's file: {string.Join(", ", lost.Take(5))}");
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tenancy.Databases;
using Testing;

namespace TodoService.Tests;

/// <summary>
/// A write the service acknowledged survives a SIGKILL of that service sent the moment the answer arrives, through
/// the todo API (todoservice) and through a libSQL stream (tenantservice), both real processes. Several writers run
/// at once, so the kill also lands on writes in flight; those were never acknowledged and may be lost.
/// </summary>
public sealed class DurableWriteTests(TodoServiceFixture fixture) : IClassFixture<TodoServiceFixture>
{
    private const string PlatformToken = "durable-write-platform-token";
    private const int Writers = 4;
    private const int Rounds = 3;

    [Fact]
    public async Task ATodoAcknowledgedByTodoServiceSurvivesASigkillRightAfterItsAnswer()
    {
        var (userId, _) = await fixture.NewUserAsync();
        var acknowledged = new ConcurrentBag<string>();
        for (var round = 0; round < Rounds; round++)
        {
            await using var service = await TodoServiceProcess.StartAsync(fixture.DataDirectory, fixture.Redis.ConnectionString, fixture.SigningKeyPem);
            using var client = TodoServiceHost.Authorized(new HttpClient { BaseAddress = service.Address }, TestTokens.For(userId, fixture.SigningKeyPem));
            await WriteUntilKilledAsync(service, acknowledged, killAfter: 20 + (round * 15), async description =>
            {
                using var response = await client.PostAsJsonAsync("/api/todos", new { description });
                return response.StatusCode == HttpStatusCode.Created;
            });
        }

        AssertAllSaved(TenantId.FromClerkId(userId), acknowledged);
    }

    [Fact]
    public async Task AnInsertAcknowledgedOnALibsqlStreamSurvivesASigkillOfTenantServiceRightAfterItsAnswer()
    {
        var name = DatabaseName.Parse("durable-" + Guid.NewGuid().ToString("N")[..12]);
        var acknowledged = new ConcurrentBag<string>();
        for (var round = 0; round < Rounds; round++)
        {
            await using var service = await TenantServiceProcess.StartAsync(fixture.DataDirectory, fixture.Redis.ConnectionString, PlatformToken);
            if (round == 0)
            {
                using var created = await service.Client.PostAsJsonAsync("/v1/organizations/local/databases", new { name = name.Value, schema = UserDatabases.Schema });
                Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            }

            await WriteUntilKilledAsync(service, acknowledged, killAfter: 20 + (round * 15), async description =>
            {
                using var response = await service.Client.PostAsJsonAsync($"/db/{name.Value}/v3/pipeline", new
                {
                    requests = new object[]
                    {
                        new { type = "execute", stmt = new { sql = "INSERT INTO todos (description) VALUES (?)", args = new[] { new { type = "text", value = description } } } },
                        new { type = "close" },
                    },
                });
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                return response.StatusCode == HttpStatusCode.OK && body.GetProperty("results")[0].GetProperty("type").GetString() == "ok";
            });
        }

        AssertAllSaved(name, acknowledged);
    }

    // Writers insert distinct descriptions; the one whose answer is the killAfter-th acknowledgement kills the service
    // before doing anything else. Writes that fail because the service is gone were never acknowledged.
    private static async Task WriteUntilKilledAsync(ServiceProcess service, ConcurrentBag<string> acknowledged, int killAfter, Func<string, Task<bool>> write)
    {
        var count = 0;
        var killed = false;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; !Volatile.Read(ref killed); i++)
            {
                var description = $"{service.Project}-{service.ProcessId}-{writer}-{i}";
                bool ok;
                try
                {
                    ok = await write(description);
                }
                catch (Exception exception) when (exception is HttpRequestException or IOException or TaskCanceledException)
                {
                    Assert.True(Volatile.Read(ref killed), $"a write failed before the kill: {exception.Message}\n{service.RecentOutput}");
                    return;
                }

                Assert.True(ok || Volatile.Read(ref killed), $"a write was refused before the kill\n{service.RecentOutput}");
                if (!ok)
                {
                    return;
                }

                acknowledged.Add(description);
                if (Interlocked.Increment(ref count) == killAfter)
                {
                    // Flagged first: the other writers' requests fail as soon as the signal lands.
                    Volatile.Write(ref killed, true);
                    service.Kill();
                }
            }
        })));
    }

    private void AssertAllSaved(DatabaseName name, ConcurrentBag<string> acknowledged)
    {
        var path = fixture.Users.Factory.Layout.DatabasePath(name);
        Assert.Equal("ok", TodoFile.IntegrityCheck(path));
        var saved = TodoFile.Descriptions(path);
        var lost = acknowledged.Where(write => !saved.Contains(write)).ToList();
        Assert.True(acknowledged.Count >= Rounds * 20, $"only {acknowledged.Count} writes were acknowledged");
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged writes were lost: {string.Join(", ", lost.Take(5))}");
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tenancy.Databases;
using Testing;

namespace TodoService.Tests;

/// <summary>
/// Deleting a database while its tenant writes through the todo API (todoservice) and through an open libSQL stream
/// (tenantservice, a real process): every acknowledged write is in the final backup, nothing is written afterwards,
/// and no service still holds the file when the delete answers.
/// </summary>
public sealed class DeleteRaceTests(TodoServiceFixture fixture) : IClassFixture<TodoServiceFixture>
{
    private const string PlatformToken = "delete-race-platform-token";

    [Fact]
    public async Task WritesRacingADeleteAreInTheBackupOrRefusedAndNoServiceHoldsTheFile()
    {
        await using var tenantService = await TenantServiceProcess.StartAsync(fixture.DataDirectory, fixture.Redis.ConnectionString, PlatformToken);
        var userId = "user_" + Guid.NewGuid().ToString("N");
        var name = TenantId.FromClerkId(userId);
        var created = await tenantService.Client.PostAsJsonAsync("/v1/organizations/local/databases", new { name = name.Value, schema = "todos-schema" });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        using var todos = fixture.Service.ClientFor(userId);
        Assert.Equal(HttpStatusCode.Created, (await todos.PostAsJsonAsync("/api/todos", new { description = "first" })).StatusCode);

        var acknowledged = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var apiWriter = WriteThroughApiAsync(todos, acknowledged, stop.Token);
        var libsqlWriter = WriteThroughLibsqlAsync(tenantService.Client, name, acknowledged, stop.Token);
        await Eventually.TrueAsync(() => Task.FromResult(acknowledged.Count(a => a.StartsWith("api", StringComparison.Ordinal)) >= 20
            && acknowledged.Count(a => a.StartsWith("libsql", StringComparison.Ordinal)) >= 20), "both writers got writes acknowledged");

        var deleted = await tenantService.Client.DeleteAsync($"/v1/organizations/local/databases/{name.Value}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        var path = fixture.Users.Factory.Layout.DatabasePath(name);
        Assert.Empty(OpenFiles(Environment.ProcessId, path));
        Assert.Empty(OpenFiles(tenantService.ProcessId, path));

        // The writers go on a little after the delete: whatever they are told now must be a refusal.
        await Task.Delay(300);
        await stop.CancelAsync();
        var (apiAcks, apiAfter) = await apiWriter;
        var (libsqlAcks, libsqlAfter) = await libsqlWriter;

        var backup = Directory.GetFiles(fixture.Users.Factory.Layout.BackupsDirectory(name), "*.db").Single();
        var saved = TodoFile.Descriptions(backup);
        var lost = acknowledged.Where(write => !saved.Contains(write)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged writes are not in the backup: {string.Join(", ", lost.Take(5))}");
        Assert.True(apiAcks > 0 && libsqlAcks > 0, $"api {apiAcks}, libsql {libsqlAcks} acknowledged writes");
        Assert.True(apiAfter + libsqlAfter > 0, "the writers were still writing after the delete");
        Assert.False(File.Exists(path));
    }

    // Posts todos until stopped; returns how many were acknowledged and how many were refused after the first refusal.
    private static async Task<(int Acknowledged, int Refused)> WriteThroughApiAsync(HttpClient client, ConcurrentBag<string> acknowledged, CancellationToken stop)
    {
        var (acks, refused) = (0, 0);
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var description = $"api-{i}";
            using var response = await client.PostAsJsonAsync("/api/todos", new { description }, CancellationToken.None);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                Assert.True(refused == 0, "a todo was acknowledged after the database was gone");
                acknowledged.Add(description);
                acks++;
            }
            else
            {
                Assert.Contains(response.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.ServiceUnavailable });
                refused++;
            }
        }

        return (acks, refused);
    }

    // One libSQL stream kept open across pipelines, one autocommit insert per pipeline, as a libSQL client does.
    private static async Task<(int Acknowledged, int Refused)> WriteThroughLibsqlAsync(
        HttpClient client, DatabaseName name, ConcurrentBag<string> acknowledged, CancellationToken stop)
    {
        var (acks, refused) = (0, 0);
        string? baton = null;
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var description = $"libsql-{i}";
            using var response = await client.PostAsJsonAsync($"/db/{name.Value}/v3/pipeline", new
            {
                baton,
                requests = new object[]
                {
                    new { type = "execute", stmt = new { sql = "INSERT INTO todos (description) VALUES (?)", args = new[] { new { type = "text", value = description } } } },
                },
            }, CancellationToken.None);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None);
            var ok = response.StatusCode == HttpStatusCode.OK && body.GetProperty("results")[0].GetProperty("type").GetString() == "ok";
            if (ok)
            {
                Assert.True(refused == 0, "a libSQL insert was acknowledged after the database was gone");
                acknowledged.Add(description);
                acks++;
                baton = body.GetProperty("baton").GetString();
            }
            else
            {
                refused++;
                baton = null;
            }
        }

        return (acks, refused);
    }

    // What a process holds open of the database (its file, WAL or shared memory), from /proc.
    private static List<string> OpenFiles(int processId, string path) =>
        [.. Directory.GetFiles($"/proc/{processId}/fd")
            .Select(fd => new FileInfo(fd).LinkTarget)
            .Where(target => target is not null && target.StartsWith(path, StringComparison.Ordinal))
            .Select(target => target!)];
}

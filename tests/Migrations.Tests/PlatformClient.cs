using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Migrations.Tests;

/// <summary>The platform API's database and migration calls as a test makes them.</summary>
public sealed class PlatformClient(HttpClient client) : IDisposable
{
    public static readonly string[] FinalStatuses = ["DryRunSuccess", "DryRunFailure", "RunSuccess", "RunFailure"];

    private const string Base = "/v1/organizations/local/databases";

    public HttpClient Http => client;

    public Task CreateSchemaAsync(string name) => CreateOkAsync(new { name, is_schema = true });

    public Task CreateChildAsync(string name, string schema) => CreateOkAsync(new { name, schema });

    public async Task CreateOkAsync(object body)
    {
        using var response = await client.PostAsJsonAsync(Base, body);
        await ReadAsync(response, HttpStatusCode.OK);
    }

    public Task<HttpResponseMessage> MigrateAsync(string schema, object body) => client.PostAsJsonAsync($"{Base}/{schema}/migrations", body);

    /// <summary>Submits a migration and returns its job id.</summary>
    public async Task<long> SubmitAsync(string schema, string sql, bool dryRun = false, string? lockMode = null)
    {
        using var response = await MigrateAsync(schema, new { sql, dry_run = dryRun, @lock = lockMode });
        var body = await ReadAsync(response, HttpStatusCode.OK);
        return (long)body["job_id"]!;
    }

    /// <summary>Submits with <c>wait: true</c>: the answer is the finished job.</summary>
    public async Task<JsonObject> MigrateAndWaitAsync(string schema, string sql, string? lockMode = null)
    {
        using var response = await MigrateAsync(schema, new { sql, wait = true, @lock = lockMode });
        return await ReadAsync(response, HttpStatusCode.OK);
    }

    public async Task<JsonObject> JobAsync(string schema, long id)
    {
        using var response = await client.GetAsync($"{Base}/{schema}/jobs/{id}");
        return await ReadAsync(response, HttpStatusCode.OK);
    }

    public async Task<JsonObject> JobsAsync(string schema)
    {
        using var response = await client.GetAsync($"{Base}/{schema}/jobs");
        return await ReadAsync(response, HttpStatusCode.OK);
    }

    public Task<HttpResponseMessage> RetryAsync(string schema, long id) => client.PostAsync($"{Base}/{schema}/jobs/{id}/retry", null);

    public async Task<JsonObject> DatabaseAsync(string name)
    {
        using var response = await client.GetAsync($"{Base}/{name}");
        return (JsonObject)(await ReadAsync(response, HttpStatusCode.OK))["database"]!;
    }

    /// <summary>Polls the job until <paramref name="done"/> holds (by default: a final status).</summary>
    public async Task<JsonObject> WaitForJobAsync(string schema, long id, Func<JsonObject, bool>? done = null, int timeoutSeconds = 60)
    {
        done ??= job => FinalStatuses.Contains((string)job["status"]!);
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var job = await JobAsync(schema, id);
            if (done(job))
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"job {id} of {schema} did not get there in {timeoutSeconds} s: {job.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    public static async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Asserts the status and the <c>{"error": "...", "message": "..."}</c> shape (one text in both); returns the text.</summary>
    public static async Task<string> ErrorAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await ReadAsync(response, expected);
        Assert.Equal(new[] { "error", "message" }, body.Select(property => property.Key).Order());
        var message = (string?)body["error"];
        Assert.False(string.IsNullOrWhiteSpace(message), body.ToJsonString());
        Assert.Equal(message, (string?)body["message"]);
        return message!;
    }

    public static IEnumerable<(string Namespace, string Status, string? Error)> Progress(JsonObject job) =>
        job["progress"]!.AsArray().Select(task => ((string)task!["namespace"]!, (string)task["status"]!, (string?)task["error"]));

    public void Dispose() => client.Dispose();
}

using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tenancy.Databases;

namespace Benchmarks;

/// <summary>
/// <c>hrana-vs-api [--users U] [--todos N] [--concurrency C] [--seconds S] [--telemetry off]</c>: the whole system
/// through the AppHost; one todo by primary key, through the gateway, two ways: a point SELECT over the user's libSQL
/// endpoint (<c>POST /db/{name}/v3/pipeline</c>, execute + close as <c>client.execute()</c> sends it) and todoservice's
/// <c>GET /api/todos/{id}</c>. Same users, same todos, same client, same run.
/// </summary>
internal static class HranaVsApiBenchmark
{
    private const string SelectById = "SELECT id, description, completed, created_at FROM todos WHERE id = ?";
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(int users, int todosPerUser, int concurrency, TimeSpan duration, bool telemetry)
    {
        var platform = new BenchmarkPlatform(telemetry);
        await platform.InitializeAsync();
        try
        {
            var gateway = platform.Gateway;
            var todos = (await Task.WhenAll(Enumerable.Range(0, users).Select(user => CreateTodosAsync(platform, $"bench_user_{user}", todosPerUser))))
                .SelectMany(created => created).ToArray();
            await CheckBothPathsAnswerAsync(gateway, todos[0]);

            Console.WriteLine($"{users} users x {todosPerUser} todos, {concurrency} concurrent, {WarmUp.TotalSeconds:0} s warm-up and {duration.TotalSeconds:0} s per path, " +
                $"telemetry {(telemetry ? "on" : "off")}, all through the gateway");
            Console.WriteLine($"load average before: {BenchmarkCommand.LoadAverage()}");
            string[] services = ["gateway", "tenantservice", "todoservice"];
            var processes = await Task.WhenAll(services.Select(async service => (service, await platform.ProcessIdAsync(service))));
            await TimedLoad.CompareAsync(concurrency, WarmUp, duration, processes,
                ("libsql", request => SelectOverLibsqlAsync(gateway, todos[request % todos.Length])),
                ("api", request => GetFromApiAsync(gateway, todos[request % todos.Length])));
            Console.WriteLine($"load average after: {BenchmarkCommand.LoadAverage()}");
            return 0;
        }
        finally
        {
            await platform.DisposeAsync();
        }
    }

    private static async Task<UserTodo[]> CreateTodosAsync(BenchmarkPlatform platform, string userId, int count)
    {
        var token = await platform.SignInAsync(userId);
        var database = TenantId.FromClerkId(userId).Value;
        var todos = new UserTodo[count];
        for (var i = 0; i < count; i++)
        {
            // The first signed-in request provisions the user's database.
            using var request = BenchmarkPlatform.Authorized(HttpMethod.Post, "/api/todos", token);
            request.Content = JsonContent.Create(new { description = $"todo {i} of {userId}" });
            using var response = await platform.Gateway.SendAsync(request);
            response.EnsureSuccessStatusCode();
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
            todos[i] = new UserTodo(token, database, id, $"todo {i} of {userId}");
        }

        return todos;
    }

    // Both paths must find the todo, or the figures would compare a hit with a miss.
    private static async Task CheckBothPathsAnswerAsync(HttpClient gateway, UserTodo todo)
    {
        foreach (var send in new[] { SelectOverLibsqlAsync, GetFromApiAsync })
        {
            using var response = await send(gateway, todo);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode || !body.Contains(todo.Description, StringComparison.Ordinal) || body.Contains("\"type\":\"error\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} did not answer todo {todo.Id}: {(int)response.StatusCode} {body}");
            }
        }
    }

    private static Task<HttpResponseMessage> SelectOverLibsqlAsync(HttpClient gateway, UserTodo todo)
    {
        var request = BenchmarkPlatform.Authorized(HttpMethod.Post, $"/db/{todo.Database}/v3/pipeline", todo.Token);
        var id = todo.Id.ToString(CultureInfo.InvariantCulture);
        request.Content = new StringContent(
            $$$"""{"baton":null,"requests":[{"type":"execute","stmt":{"sql":"{{{SelectById}}}","args":[{"type":"integer","value":"{{{id}}}"}]}},{"type":"close"}]}""",
            Encoding.UTF8, "application/json");
        return gateway.SendAsync(request);
    }

    private static Task<HttpResponseMessage> GetFromApiAsync(HttpClient gateway, UserTodo todo) =>
        gateway.SendAsync(BenchmarkPlatform.Authorized(HttpMethod.Get, $"/api/todos/{todo.Id.ToString(CultureInfo.InvariantCulture)}", todo.Token));

    private sealed record UserTodo(string Token, string Database, long Id, string Description);
}

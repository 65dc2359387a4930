using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.TestSupport;

/// <summary>
/// Stands in for todoservice or tenantservice behind the gateway: records what arrives and echoes the
/// tenant headers; answers the platform API's create call with a status the test chooses, and its read of one database
/// from <see cref="Databases"/> (what tenantservice's platform.db would hold).
/// </summary>
internal sealed class FakeBackend : IAsyncDisposable
{
    private LoopbackServer? server;
    private int createCalls;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public Uri Address => server!.Address;

    public int CreateCalls => Volatile.Read(ref createCalls);

    /// <summary>The status of <c>POST /v1/organizations/{org}/databases</c>: 200 by default, 409, 500...</summary>
    public int CreateStatus { get; set; } = StatusCodes.Status200OK;

    /// <summary>What a create answered with another status than 2xx says, as <c>{"error": "..."}</c>.</summary>
    public string CreateError { get; set; } = "refused";

    /// <summary>The databases <c>GET /v1/organizations/{org}/databases/{name}</c> finds; a create answered 2xx adds its name.</summary>
    public ConcurrentDictionary<string, byte> Databases { get; } = new(StringComparer.Ordinal);

    /// <summary>Holds creations until the test lets them go; completed by default.</summary>
    public TaskCompletionSource CreateGate { get; set; } = Completed();

    public static async Task<FakeBackend> StartAsync(string name)
    {
        var backend = new FakeBackend();
        backend.server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/health", () => "Healthy");
            app.MapPost("/v1/organizations/{org}/databases", async (HttpContext context) =>
            {
                backend.Record(context);
                Interlocked.Increment(ref backend.createCalls);
                var name = (await context.Request.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString()!;
                await backend.CreateGate.Task;
                var status = backend.CreateStatus;
                if (status is < 200 or > 299)
                {
                    return Results.Json(new { error = backend.CreateError }, statusCode: status);
                }

                backend.Databases.TryAdd(name, 0);
                return Results.Json(new { database = new { Name = name } }, statusCode: status);
            });
            app.MapGet("/v1/organizations/{org}/databases/{name}", (HttpContext context, string name) =>
            {
                backend.Record(context);
                return backend.Databases.ContainsKey(name)
                    ? Results.Json(new { database = new { Name = name } })
                    : Results.Json(new { error = $"database '{name}' not found" }, statusCode: StatusCodes.Status404NotFound);
            });
            app.Map("/{**rest}", (HttpContext context) =>
            {
                backend.Record(context);
                return Results.Json(new
                {
                    backend = name,
                    address = backend.Address.ToString(),
                    path = context.Request.Path.Value,
                    tenant_id = context.Request.Headers["X-Tenant-Id"].ToString(),
                    tenant_database = context.Request.Headers["X-Tenant-Database"].ToString(),
                    authorization = context.Request.Headers.Authorization.ToString(),
                });
            });
        });
        return backend;
    }

    private void Record(HttpContext context) => Requests.Enqueue(new ReceivedRequest(
        context.Request.Method,
        context.Request.Path.Value ?? "",
        context.Request.Headers.ToDictionary(header => header.Key, header => header.Value.ToString(), StringComparer.OrdinalIgnoreCase)));

    private static TaskCompletionSource Completed()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }

    public async ValueTask DisposeAsync()
    {
        CreateGate.TrySetResult();
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

/// <summary>One request as the backend saw it.</summary>
internal sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers);

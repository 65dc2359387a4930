using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.TestSupport;

/// <summary>
/// Stands in for todoservice or tenantservice behind the gateway: records what arrives and echoes the
/// tenant headers; answers the platform API's create call with a status the test chooses.
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
                await backend.CreateGate.Task;
                return Results.Json(new { database = new { Name = "x" } }, statusCode: backend.CreateStatus);
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

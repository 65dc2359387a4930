using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Testing;

namespace LibsqlClient.Tests;

/// <summary>What <see cref="HranaProxy"/> does to the next pipeline requests.</summary>
public enum ProxyFault
{
    /// <summary>Forward and answer normally.</summary>
    None,

    /// <summary>Drop the connection as soon as the request arrives, without forwarding it.</summary>
    DropBeforeForwarding,

    /// <summary>Forward the request (the server runs it), then drop the connection instead of answering.</summary>
    DropAfterForwarding,

    /// <summary>Hold the request without answering until the client gives up.</summary>
    Stall,
}

/// <summary>
/// A real HTTP server between the client and tenantservice that forwards every request and logs it, and on demand
/// breaks pipelines (<see cref="Fault"/>), answers 404 to everything of version 3 (<see cref="RefuseVersion3"/>), or
/// hands out a different <c>base_url</c> for streams (<see cref="MoveStreams"/>).
/// </summary>
public sealed class HranaProxy : IAsyncDisposable
{
    private const string MovedPrefix = "/moved";
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private int _faultsLeft;

    private HranaProxy(WebApplication app, Uri address, Uri upstream)
    {
        _app = app;
        Address = address;
        _upstream = new HttpClient { BaseAddress = upstream };
    }

    public Uri Address { get; }

    /// <summary>Every request that arrived, as <c>METHOD /path</c>, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The distinct client connections requests arrived on.</summary>
    public ConcurrentDictionary<string, bool> Connections { get; } = new();

    public bool RefuseVersion3 { get; set; }

    public bool MoveStreams { get; set; }

    public ProxyFault Fault { get; private set; }

    public Uri Url(string database) => new(Address, $"/db/{database}/");

    public IEnumerable<string> Pipelines => Requests.Where(r => r.StartsWith("POST ", StringComparison.Ordinal) && r.EndsWith("/pipeline", StringComparison.Ordinal));

    /// <summary>Applies <paramref name="fault"/> to the next <paramref name="times"/> pipeline requests.</summary>
    public void Break(ProxyFault fault, int times = 1)
    {
        Fault = fault;
        Volatile.Write(ref _faultsLeft, times);
    }

    public static async Task<HranaProxy> StartAsync(Uri upstream)
    {
        var port = LoopbackPort.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var proxy = new HranaProxy(app, new Uri($"http://127.0.0.1:{port}"), upstream);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        Requests.Enqueue($"{context.Request.Method} {path}");
        Connections.TryAdd(context.Connection.Id, true);
        if (RefuseVersion3 && (path.EndsWith("/v3", StringComparison.Ordinal) || path.Contains("/v3/", StringComparison.Ordinal)))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var fault = path.EndsWith("/pipeline", StringComparison.Ordinal) && Interlocked.Decrement(ref _faultsLeft) >= 0 ? Fault : ProxyFault.None;
        if (fault == ProxyFault.DropBeforeForwarding)
        {
            context.Abort();
            return;
        }

        if (fault == ProxyFault.Stall)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        using var forward = new HttpRequestMessage(new HttpMethod(context.Request.Method), path.StartsWith(MovedPrefix, StringComparison.Ordinal) ? path[MovedPrefix.Length..] : path);
        if (context.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization)
        {
            forward.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (HttpMethods.IsPost(context.Request.Method))
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            forward.Content = new ByteArrayContent(body.ToArray());
            forward.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType);
        }

        using var answer = await _upstream.SendAsync(forward);
        var bytes = await answer.Content.ReadAsByteArrayAsync();
        if (fault == ProxyFault.DropAfterForwarding)
        {
            context.Abort();
            return;
        }

        if (MoveStreams && path.EndsWith("/pipeline", StringComparison.Ordinal))
        {
            // The stream lives on "another node": later requests of the stream must go to /moved/db/{name}/.
            var database = path.Split('/')[path.StartsWith(MovedPrefix, StringComparison.Ordinal) ? 3 : 2];
            bytes = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("\"base_url\":null", $"\"base_url\":\"{Address}moved/db/{database}/\"", StringComparison.Ordinal));
        }

        context.Response.StatusCode = (int)answer.StatusCode;
        context.Response.ContentType = answer.Content.Headers.ContentType?.ToString();
        await context.Response.Body.WriteAsync(bytes);
    }
}

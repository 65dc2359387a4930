using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.TestSupport;

/// <summary>A Clerk instance's JWKS endpoint on loopback; the test swaps the published keys to rotate them.</summary>
internal sealed class JwksServer : IAsyncDisposable
{
    private LoopbackServer? server;
    private volatile SigningKey[] published = [];
    private int fetches;

    /// <summary>The issuer URL: what CLERK_ISSUER is set to and what tokens carry as <c>iss</c>.</summary>
    public string Issuer => server!.Address.ToString().TrimEnd('/');

    public int Fetches => Volatile.Read(ref fetches);

    public static async Task<JwksServer> StartAsync(params SigningKey[] keys)
    {
        var jwks = new JwksServer { published = keys };
        jwks.server = await LoopbackServer.StartAsync(app => app.MapGet("/.well-known/jwks.json", () =>
        {
            Interlocked.Increment(ref jwks.fetches);
            return Results.Json(new { keys = jwks.published.Select(key => key.PublicJwk).ToArray() });
        }));
        return jwks;
    }

    public void Publish(params SigningKey[] keys) => published = keys;

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

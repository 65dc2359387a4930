using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Connections;
using Testing;
using TodoService.Apis;

namespace TodoService.Tests;

/// <summary>One todoservice (any public type of its assembly names it to the factory) (a test server) on a shared DATA_DIR and a real Redis.</summary>
public sealed class TodoServiceHost(string dataDirectory, string redis, string signingKeyPem, IDictionary<string, string?>? settings = null)
    : WebApplicationFactory<TodoServices>
{
    public TenantConnectionCache Cache => Services.GetRequiredService<TenantConnectionCache>();

    public HttpClient ClientFor(string userId) => Authorized(CreateClient(), TestTokens.For(userId, signingKeyPem));

    public static HttpClient Authorized(HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Real Kestrel on a loopback port: request limits and HTTP behave as in production.
        UseKestrel(0);
        builder.UseSetting("ConnectionStrings:cache", redis);
        builder.UseSetting("DATA_DIR", dataDirectory);
        builder.UseSetting("DEV_JWT_SIGNING_KEY", signingKeyPem);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }
}

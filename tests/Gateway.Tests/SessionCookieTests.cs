using System.Net;
using System.Net.Http.Json;
using Gateway.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Databases;

namespace Gateway.Tests;

/// <summary>The browser's credentials: the __session cookie, validated like a bearer token, refused for cross-site writes.</summary>
public sealed class SessionCookieTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private FakeBackend todoService = null!;
    private FakeBackend tenantService = null!;
    private GatewayFactory factory = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        todoService = await FakeBackend.StartAsync("todoservice");
        tenantService = await FakeBackend.StartAsync("tenantservice");
        var settings = GatewayFactory.Settings(todoService, tenantService);
        settings["DEV_JWT_SIGNING_KEY"] = DevKey.Pem;
        factory = new GatewayFactory(settings, clock);
        client = factory.CreateClient();
    }

    [Fact]
    public async Task ASessionCookieSignsTheUserInLikeABearerToken()
    {
        var cookie = await SessionAsync("user_cookie");

        var response = await client.GetAsync("/api/todos", bearer: null, ("Cookie", cookie));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TenantId.FromClerkId("user_cookie").Value, (await response.JsonAsync()).GetProperty("tenant_database").GetString());
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "same-origin")]
    [InlineData("Origin", "http://localhost")]
    public async Task ASameOriginWriteWithTheCookieGoesThrough(string header, string value)
    {
        var cookie = await SessionAsync("user_same_origin");

        var response = await client.SendAsync(HttpMethod.Post, "/api/todos", bearer: null, ("Cookie", cookie), (header, value));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    [InlineData("Origin", "http://localhost:9999")]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("X-Nothing", "no Origin and no Sec-Fetch-Site")]
    public async Task AWriteWithTheCookieFromAnotherOriginIsRefused(string header, string value)
    {
        var cookie = await SessionAsync("user_cross_site");

        var response = await client.SendAsync(HttpMethod.Post, "/api/todos", bearer: null, ("Cookie", cookie), (header, value));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("__session", (await response.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACrossSiteReadWithTheCookieGoesThrough()
    {
        // A link from another site to the app is an ordinary navigation; only writes need the same origin.
        var cookie = await SessionAsync("user_link");

        var response = await client.GetAsync("/api/todos", bearer: null, ("Cookie", cookie), ("Sec-Fetch-Site", "cross-site"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ABearerWriteNeedsNoOriginAsBefore()
    {
        var token = (await SessionAsync("user_bearer"))["__session=".Length..];

        var response = await client.SendAsync(HttpMethod.Post, "/api/todos", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AForgedSessionCookieIsRefused()
    {
        var token = (await SessionAsync("user_forged"))["__session=".Length..];
        var parts = token.Split('.');
        // Same header and signature, another user's claims.
        var forged = $"{parts[0]}.{Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1]).Replace("user_forged", "user_victim", StringComparison.Ordinal))}.{parts[2]}";

        var response = await client.GetAsync("/api/todos", bearer: null, ("Cookie", "__session=" + forged));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AnExpiredSessionCookieIsRefused()
    {
        var cookie = await SessionAsync("user_expired");
        clock.Advance(TimeSpan.FromHours(2));

        var response = await client.GetAsync("/api/todos", bearer: null, ("Cookie", cookie));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<string> SessionAsync(string subject)
    {
        var issued = await client.PostAsJsonAsync("/dev/token", new { sub = subject });
        issued.EnsureSuccessStatusCode();
        return "__session=" + (await issued.JsonAsync()).GetProperty("token").GetString();
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
        await todoService.DisposeAsync();
        await tenantService.DisposeAsync();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using Gateway.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Tenancy.Databases;
using Tenancy.Identity;

namespace Gateway.Tests;

public sealed class DevIssuerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private FakeBackend todoService = null!;
    private FakeBackend tenantService = null!;
    private readonly List<GatewayFactory> factories = [];

    public async Task InitializeAsync()
    {
        todoService = await FakeBackend.StartAsync("todoservice");
        tenantService = await FakeBackend.StartAsync("tenantservice");
    }

    [Fact]
    public async Task ADevTokenIsValidatedLikeARealOne()
    {
        var client = Gateway(("DEV_JWT_SIGNING_KEY", DevKey.Pem));

        var issued = await client.PostAsJsonAsync("/dev/token", new { sub = "user_dev", org_id = "org_1" });
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var body = await issued.JsonAsync();
        var token = body.GetProperty("token").GetString()!;
        Assert.Equal(TenantId.FromClerkId("user_dev").Value, body.GetProperty("database").GetString());

        var response = await client.GetAsync("/api/todos", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TenantId.FromClerkId("user_dev").Value, (await response.JsonAsync()).GetProperty("tenant_database").GetString());
    }

    [Fact]
    public async Task ADevTokenCarriesTheDocumentedIssuerKidAndLifetime()
    {
        var client = Gateway(("DEV_JWT_SIGNING_KEY", DevKey.Pem));

        var token = new JsonWebToken(await TokenAsync(client, "user_claims"));

        Assert.Equal(DevIssuer.Issuer, token.Issuer);
        Assert.Equal("RS256", token.Alg);
        Assert.Equal(DevIssuer.ReadSigningKey(DevKey.Pem).KeyId, token.Kid);
        Assert.Equal("user_claims", token.Subject);
        Assert.Equal(TimeSpan.FromHours(1), token.ValidTo - token.IssuedAt);
    }

    [Fact]
    public async Task ADevTokenExpiresAfterAnHour()
    {
        var client = Gateway(("DEV_JWT_SIGNING_KEY", DevKey.Pem));
        var token = await TokenAsync(client, "user_hour");
        // Used once, so the gateway has checked its signature and remembers it: the lifetime is still checked every time.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/todos", token)).StatusCode);

        clock.Advance(TimeSpan.FromMinutes(62));
        var response = await client.GetAsync("/api/todos", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", response.Challenge(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATokenFromAnotherDevKeyIsRefused()
    {
        var other = Gateway(("DEV_JWT_SIGNING_KEY", DevKey.Create()));
        var client = Gateway(("DEV_JWT_SIGNING_KEY", DevKey.Pem));

        var response = await client.GetAsync("/api/todos", await TokenAsync(other, "user_elsewhere"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ADevTokenNeedsASubject()
    {
        var client = Gateway(("DEV_JWT_SIGNING_KEY", DevKey.Pem));

        var response = await client.PostAsJsonAsync("/dev/token", new { org_id = "org_1" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("sub", (await response.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDevIssuerDoesNotExistWhenAClerkKeyIsSet()
    {
        using var clerk = new SigningKey("ins_pem");
        var client = Gateway(("DEV_JWT_SIGNING_KEY", DevKey.Pem), ("CLERK_JWT_KEY", clerk.PublicKeyPem));

        var response = await client.PostAsJsonAsync("/dev/token", new { sub = "user_123" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task TheDevIssuerDoesNotExistWhenAClerkIssuerIsSet()
    {
        var client = Gateway(("DEV_JWT_SIGNING_KEY", DevKey.Pem), ("CLERK_ISSUER", "https://clerk.example.com"));

        var response = await client.PostAsJsonAsync("/dev/token", new { sub = "user_123" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task AClerkPemKeyValidatesTokensWithoutANetwork()
    {
        using var clerk = new SigningKey("ins_pem");
        var client = Gateway(("CLERK_JWT_KEY", clerk.PublicKeyPem));

        var valid = await client.GetAsync("/api/todos", clerk.Mint("https://clerk.example.com", clock.GetUtcNow(), "user_pem"));
        using var impostor = new SigningKey("ins_pem");
        var forged = await client.GetAsync("/api/todos", impostor.Mint("https://clerk.example.com", clock.GetUtcNow(), "user_pem"));

        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Contains("signature", forged.Challenge(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnHttpIssuerThatIsNotLoopbackStopsTheStart()
    {
        var exception = Assert.ThrowsAny<Exception>(() => Gateway(("CLERK_ISSUER", "http://clerk.example.com")));

        Assert.Contains("https", exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutsideDevelopmentTheGatewayWithoutClerkSettingsDoesNotStartAndSaysWhatToSet()
    {
        // The dev key alone is not enough: outside Development nobody may sign tokens for any user id.
        var settings = GatewayFactory.Settings(todoService, tenantService);
        settings["DEV_JWT_SIGNING_KEY"] = DevKey.Pem;
        await using var factory = new GatewayFactory(settings, clock, environment: "Production");

        var exception = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Neither CLERK_ISSUER nor CLERK_JWT_KEY is set, and the dev issuer, which signs a token for any user id, runs only in Development", exception.Message, StringComparison.Ordinal);
        Assert.Contains("set ASPNETCORE_ENVIRONMENT=Development", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutsideDevelopmentWithAClerkKeyTheGatewayStartsWithoutTheDevIssuer()
    {
        using var clerk = new SigningKey("ins_production");
        var settings = GatewayFactory.Settings(todoService, tenantService);
        settings["DEV_JWT_SIGNING_KEY"] = DevKey.Pem;
        settings["CLERK_JWT_KEY"] = clerk.PublicKeyPem;
        await using var factory = new GatewayFactory(settings, clock, environment: "Production");
        var client = factory.CreateClient();

        var devToken = await client.PostAsJsonAsync("/dev/token", new { sub = "user_123" });
        var clerkToken = await client.GetAsync("/api/todos", clerk.Mint("https://clerk.example.com", clock.GetUtcNow(), "user_production"));

        Assert.Equal(HttpStatusCode.NotFound, devToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, clerkToken.StatusCode);
    }

    private static async Task<string> TokenAsync(HttpClient client, string subject)
    {
        var response = await client.PostAsync("/dev/token", new StringContent($$"""{"sub":"{{subject}}"}""", Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return (await response.JsonAsync()).GetProperty("token").GetString()!;
    }

    private HttpClient Gateway(params (string Key, string Value)[] extra)
    {
        var settings = GatewayFactory.Settings(todoService, tenantService);
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        var factory = new GatewayFactory(settings, clock);
        factories.Add(factory);
        return factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        foreach (var factory in factories)
        {
            await factory.DisposeAsync();
        }

        await todoService.DisposeAsync();
        await tenantService.DisposeAsync();
    }
}

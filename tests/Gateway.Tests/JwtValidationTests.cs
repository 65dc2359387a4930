using System.Globalization;
using System.Net;
using System.Text;
using Gateway.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using Tenancy.Databases;

namespace Gateway.Tests;

/// <summary>A gateway that trusts a Clerk issuer served from loopback, with one allowed authorized party.</summary>
public sealed class ClerkGatewayFixture : IAsyncLifetime
{
    public const string AllowedParty = "https://app.example.com";

    internal SigningKey Key { get; } = new("ins_current");

    internal FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    internal JwksServer Jwks { get; private set; } = null!;

    internal FakeBackend TodoService { get; private set; } = null!;

    internal FakeBackend TenantService { get; private set; } = null!;

    internal GatewayFactory Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Jwks = await JwksServer.StartAsync(Key);
        TodoService = await FakeBackend.StartAsync("todoservice");
        TenantService = await FakeBackend.StartAsync("tenantservice");
        var settings = GatewayFactory.Settings(TodoService, TenantService);
        settings["CLERK_ISSUER"] = Jwks.Issuer;
        settings["CLERK_AUTHORIZED_PARTIES"] = $"{AllowedParty}, http://localhost:3000";
        Factory = new GatewayFactory(settings, Clock);
        Client = Factory.CreateClient();
    }

    internal string Token(string subject = "user_123", TimeSpan? lifetime = null, TimeSpan? notBefore = null, string? party = AllowedParty, string? issuer = null) =>
        Key.Mint(issuer ?? Jwks.Issuer, Clock.GetUtcNow(), subject, lifetime, notBefore, party);

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await Jwks.DisposeAsync();
        await TodoService.DisposeAsync();
        await TenantService.DisposeAsync();
        Key.Dispose();
    }
}

public sealed class JwtValidationTests(ClerkGatewayFixture gateway) : IClassFixture<ClerkGatewayFixture>
{
    [Fact]
    public async Task AValidSessionTokenReachesTodoServiceWithTheTenantResolved()
    {
        var response = await gateway.Client.GetAsync("/api/todos", gateway.Token("user_valid"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        var database = TenantId.FromClerkId("user_valid").Value;
        Assert.Equal(database, body.GetProperty("tenant_database").GetString());
        Assert.Equal(database, body.GetProperty("tenant_id").GetString());
        Assert.StartsWith("Bearer ", body.GetProperty("authorization").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingTokenIsRefusedWithAChallenge()
    {
        var response = await gateway.Client.GetAsync("/api/todos", bearer: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Bearer", response.Challenge(), StringComparison.Ordinal);
        Assert.Contains("No bearer token was sent", response.Challenge(), StringComparison.Ordinal);
        Assert.Contains("No bearer token", (await response.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.e30")]
    public async Task AMalformedTokenIsRefused(string token)
    {
        var response = await gateway.Client.GetAsync("/api/todos", token);

        AssertRefused(response, "JWT");
    }

    [Fact]
    public async Task ATokenWithAHeaderExtensionMarkedCriticalIsRefused()
    {
        var token = gateway.Key.Sign(
            $$"""{"alg":"RS256","typ":"JWT","kid":"{{gateway.Key.KeyId}}","crit":["urn:example:bound"],"urn:example:bound":true}""",
            Payload(gateway.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));

        var response = await gateway.Client.GetAsync("/api/todos", token);

        AssertRefused(response, "crit");
    }

    [Fact]
    public async Task ATokenWhoseExpiryIsAStringIsRefused()
    {
        var expiry = gateway.Clock.GetUtcNow().AddMinutes(5).ToUnixTimeSeconds();
        var token = gateway.Key.Sign(
            $$"""{"alg":"RS256","typ":"JWT","kid":"{{gateway.Key.KeyId}}"}""",
            Payload(gateway.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), expiry: $"\"{expiry}\""));

        var response = await gateway.Client.GetAsync("/api/todos", token);

        AssertRefused(response, "'exp' claim is not a number");
    }

    // A Clerk-shaped payload, valid in every other way; expiry is the JSON text of "exp".
    private string Payload(string issuedAt, string? expiry = null) =>
        $$"""{"iss":"{{gateway.Jwks.Issuer}}","sub":"user_shape","sid":"sess_test","azp":"{{ClerkGatewayFixture.AllowedParty}}","iat":{{issuedAt}},"nbf":{{issuedAt}},"exp":{{expiry ?? (long.Parse(issuedAt, CultureInfo.InvariantCulture) + 300).ToString(CultureInfo.InvariantCulture)}}}""";

    [Fact]
    public async Task AnExpiredTokenIsRefused()
    {
        var token = gateway.Key.Mint(gateway.Jwks.Issuer, gateway.Clock.GetUtcNow().AddMinutes(-10), "user_late", TimeSpan.FromMinutes(5), authorizedParty: ClerkGatewayFixture.AllowedParty);

        var response = await gateway.Client.GetAsync("/api/todos", token);

        AssertRefused(response, "expired");
    }

    [Fact]
    public async Task ATokenExpiredWithinTheClockSkewIsAccepted()
    {
        var token = gateway.Key.Mint(gateway.Jwks.Issuer, gateway.Clock.GetUtcNow().AddSeconds(-90), "user_skew", TimeSpan.FromSeconds(60), authorizedParty: ClerkGatewayFixture.AllowedParty);

        var response = await gateway.Client.GetAsync("/api/todos", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ATokenNotValidYetIsRefused()
    {
        var response = await gateway.Client.GetAsync("/api/todos", gateway.Token("user_early", TimeSpan.FromMinutes(10), notBefore: TimeSpan.FromMinutes(5)));

        AssertRefused(response, "not valid before");
    }

    [Fact]
    public async Task ATokenWithoutExpiryIsRefused()
    {
        var token = gateway.Key.Mint(gateway.Jwks.Issuer, gateway.Clock.GetUtcNow(), "user_forever", authorizedParty: ClerkGatewayFixture.AllowedParty, withExpiry: false);

        var response = await gateway.Client.GetAsync("/api/todos", token);

        AssertRefused(response, "'exp'");
    }

    [Fact]
    public async Task ATokenSignedWithAnotherKeyUnderAKnownKidIsRefused()
    {
        using var impostor = new SigningKey(gateway.Key.KeyId);
        var token = impostor.Mint(gateway.Jwks.Issuer, gateway.Clock.GetUtcNow(), authorizedParty: ClerkGatewayFixture.AllowedParty);

        var response = await gateway.Client.GetAsync("/api/todos", token);

        AssertRefused(response, "signature");
    }

    [Fact]
    public async Task ATamperedPayloadIsRefused()
    {
        var parts = gateway.Token("user_honest").Split('.');
        var forged = Base64UrlEncoder.Encode(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("user_honest", "user_victim", StringComparison.Ordinal));

        var response = await gateway.Client.GetAsync("/api/todos", $"{parts[0]}.{forged}.{parts[2]}");

        AssertRefused(response, "signature");
    }

    [Fact]
    public async Task ATokenFromAnotherIssuerIsRefused()
    {
        var response = await gateway.Client.GetAsync("/api/todos", gateway.Token(issuer: "https://clerk.someone-else.example"));

        AssertRefused(response, "issuer");
    }

    [Fact]
    public async Task ATokenForAnUnlistedAuthorizedPartyIsRefused()
    {
        var response = await gateway.Client.GetAsync("/api/todos", gateway.Token(party: "https://evil.example"));

        AssertRefused(response, "authorized party");
    }

    [Fact]
    public async Task ATokenWithoutAuthorizedPartyIsRefusedWhenPartiesAreListed()
    {
        var response = await gateway.Client.GetAsync("/api/todos", gateway.Token(party: null));

        AssertRefused(response, "azp");
    }

    [Fact]
    public async Task ATokenWithAnUnknownKidIsRefused()
    {
        using var stranger = new SigningKey("ins_unknown");
        var token = stranger.Mint(gateway.Jwks.Issuer, gateway.Clock.GetUtcNow(), authorizedParty: ClerkGatewayFixture.AllowedParty);

        var response = await gateway.Client.GetAsync("/api/todos", token);

        AssertRefused(response, "ins_unknown");
    }

    [Fact]
    public async Task ATokenSignedWithHs256IsRefused()
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"HS256","typ":"JWT"}""");
        var now = gateway.Clock.GetUtcNow().ToUnixTimeSeconds();
        var payload = Base64UrlEncoder.Encode($$"""{"sub":"user_123","iss":"{{gateway.Jwks.Issuer}}","exp":{{now + 60}},"azp":"{{ClerkGatewayFixture.AllowedParty}}"}""");

        var response = await gateway.Client.GetAsync("/api/todos", $"{header}.{payload}.c2lnbmF0dXJl");

        AssertRefused(response, "RS256");
    }

    [Theory]
    [InlineData("")]
    [InlineData("c2lnbmF0dXJl")]
    public async Task AnUnsignedTokenIsRefused(string signature)
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var now = gateway.Clock.GetUtcNow().ToUnixTimeSeconds();

        var response = await gateway.Client.GetAsync("/api/todos", $"{header}.{Base64UrlEncoder.Encode(Payload(now.ToString(CultureInfo.InvariantCulture)))}.{signature}");

        AssertRefused(response, "RS256");
    }

    [Fact]
    public async Task TheDumpRouteNeedsASessionToken()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.Client.GetAsync("/dump.sql", bearer: null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/dump.sql", gateway.Token("user_dump"))).StatusCode);
    }

    [Fact]
    public async Task ThePlatformTokenDoesNotActAsAUser()
    {
        var response = await gateway.Client.GetAsync("/api/todos", GatewayFactory.PlatformToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ThePlatformApiNeedsThePlatformToken()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.Client.GetAsync("/v1/organizations/local/databases", bearer: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.Client.GetAsync("/v1/organizations/local/databases", "wrong-token")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.Client.GetAsync("/v1/organizations/local/databases", gateway.Token())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/v1/organizations/local/databases", GatewayFactory.PlatformToken)).StatusCode);
    }

    [Fact]
    public async Task AUserTokenOpensOnlyItsOwnDatabaseOverLibsql()
    {
        var token = gateway.Token("user_libsql");
        var own = TenantId.FromClerkId("user_libsql").Value;
        var other = TenantId.FromClerkId("user_other").Value;

        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.SendAsync(HttpMethod.Post, $"/db/{own}/v2/pipeline", token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.Client.SendAsync(HttpMethod.Post, $"/db/{other}/v2/pipeline", token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.SendAsync(HttpMethod.Post, $"/db/{other}/v2/pipeline", GatewayFactory.PlatformToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.Client.SendAsync(HttpMethod.Post, $"/db/{other}/v2/pipeline", bearer: null)).StatusCode);
    }

    [Theory]
    [InlineData("v2")]
    [InlineData("v3")]
    public async Task LibsqlVersionProbesNeedNoToken(string version)
    {
        var database = TenantId.FromClerkId("user_probed").Value;

        var probe = await gateway.Client.GetAsync($"/db/{database}/{version}", bearer: null);

        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        Assert.Contains(gateway.TenantService.Requests, request => request.Method == "GET" && request.Path == $"/db/{database}/{version}");
    }

    [Theory]
    [InlineData("POST", "v2")]
    [InlineData("POST", "v3")]
    [InlineData("POST", "v3/pipeline")]
    [InlineData("GET", "v3/pipeline")]
    [InlineData("POST", "v3/cursor")]
    [InlineData("GET", "v3-protobuf")]
    [InlineData("GET", "v2/anything")]
    public async Task EverythingElseUnderDbStillNeedsAToken(string method, string path)
    {
        var response = await gateway.Client.SendAsync(new HttpMethod(method), $"/db/{TenantId.FromClerkId("user_probed").Value}/{path}", bearer: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task WebhooksNeedNoToken()
    {
        var response = await gateway.Client.PostAsync("/webhooks/clerk", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TheDevTokenEndpointDoesNotExistWithARealIssuer()
    {
        var response = await gateway.Client.PostAsync("/dev/token", new StringContent("""{"sub":"user_123"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static void AssertRefused(HttpResponseMessage response, string reason)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Challenge();
        Assert.Contains("Bearer", challenge, StringComparison.Ordinal);
        Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
        Assert.Contains(reason, challenge, StringComparison.OrdinalIgnoreCase);
    }
}

using System.Net;
using System.Net.Http.Json;
using Aspire.Hosting.Testing;
using Gateway.Tests.TestSupport;
using Tenancy.Databases;
using Testing;

namespace Gateway.Tests;

/// <summary>The whole system through the AppHost, with a Clerk PEM key standing in for a Clerk instance.</summary>
public sealed class ClerkPlatformFixture : PlatformFixture
{
    internal SigningKey Clerk { get; } = new("ins_e2e");

    protected override IEnumerable<string> Arguments => [$"--CLERK_JWT_KEY={Clerk.PublicKeyPem}"];

    internal string Token(string userId) => Clerk.Mint("https://clerk.e2e.example", DateTimeOffset.UtcNow, userId, TimeSpan.FromMinutes(5));
}

[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<ClerkPlatformFixture>
{
    public const string Name = "Gateway end to end";
}

/// <summary>The whole system in its default, Clerk-less mode: the gateway's dev issuer.</summary>
public sealed class DevPlatformFixture : PlatformFixture;

[CollectionDefinition(Name)]
public sealed class DevEndToEndCollection : ICollectionFixture<DevPlatformFixture>
{
    public const string Name = "Gateway end to end, dev issuer";
}

[Collection(DevEndToEndCollection.Name)]
public sealed class DevIssuerEndToEndTests(DevPlatformFixture platform)
{
    [Fact]
    public async Task ADevTokenWorksThroughTheWholeSystem()
    {
        var userId = "user_" + Guid.NewGuid().ToString("N");
        var issued = await platform.Gateway.PostAsJsonAsync("/dev/token", new { sub = userId });
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var token = (await issued.JsonAsync()).GetProperty("token").GetString()!;

        var created = await platform.Gateway.SendAsync(EndToEndTests.Post("/api/todos", token, new { description = "from a dev token" }));
        var listed = await platform.Gateway.GetAsync("/api/todos", token);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains("from a dev token", await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DumpSqlGivesTheSignedInUserTheirOwnDatabaseOnly()
    {
        var token = await DevTokenAsync("user_" + Guid.NewGuid().ToString("N"));
        var otherToken = await DevTokenAsync("user_" + Guid.NewGuid().ToString("N"));
        await platform.Gateway.SendAsync(EndToEndTests.Post("/api/todos", token, new { description = "mine to export" }));
        await platform.Gateway.SendAsync(EndToEndTests.Post("/api/todos", otherToken, new { description = "someone else's" }));

        var dump = await platform.Gateway.GetAsync("/dump.sql", token);
        var anonymous = await platform.Gateway.GetAsync("/dump.sql");

        Assert.Equal(HttpStatusCode.OK, dump.StatusCode);
        var sql = await dump.Content.ReadAsStringAsync();
        Assert.Contains("CREATE TABLE todos", sql, StringComparison.Ordinal);
        Assert.Contains("mine to export", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("someone else's", sql, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Theory]
    [InlineData("v2")]
    [InlineData("v3")]
    public async Task LibsqlVersionProbesPassAnonymouslyButPipelinesDoNot(string version)
    {
        var database = TenantId.FromClerkId("user_" + Guid.NewGuid().ToString("N")).Value;

        var probe = await platform.Gateway.GetAsync($"/db/{database}/{version}", bearer: null);
        var pipeline = await platform.Gateway.PostAsync($"/db/{database}/{version}/pipeline",
            new StringContent("""{"baton":null,"requests":[{"type":"execute","stmt":{"sql":"SELECT 1"}}]}"""));

        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        Assert.Equal("text/plain", probe.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"version {version[1..]}", await probe.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, pipeline.StatusCode);
    }

    private async Task<string> DevTokenAsync(string userId)
    {
        var issued = await platform.Gateway.PostAsJsonAsync("/dev/token", new { sub = userId });
        return (await issued.JsonAsync()).GetProperty("token").GetString()!;
    }
}

[Collection(EndToEndCollection.Name)]
public sealed class EndToEndTests(ClerkPlatformFixture platform)
{
    private HttpClient Gateway => platform.Gateway;

    [Fact]
    public async Task TheFirstSignedInRequestCreatesTheUsersDatabase()
    {
        var userId = NewUserId();

        var response = await Gateway.GetAsync("/api/todos", platform.Token(userId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetDatabaseAsync(TenantId.FromClerkId(userId).Value)).StatusCode);
    }

    [Fact]
    public async Task AWebhookCreatesTheDatabaseBeforeTheFirstRequest()
    {
        var userId = NewUserId();
        var signer = new SvixSigner(platform.WebhookSecret);

        var delivery = await Gateway.SendAsync(signer.Delivery(SvixSigner.Event("user.created", userId)));

        Assert.Equal(HttpStatusCode.OK, delivery.StatusCode);
        Assert.Equal("created", (await delivery.JsonAsync()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Gateway.GetAsync("/api/todos", platform.Token(userId))).StatusCode);
    }

    [Fact]
    public async Task AWebhookRacingFirstRequestsMakesOneDatabaseAndEveryRequestSucceeds()
    {
        var userId = NewUserId();
        var token = platform.Token(userId);
        var signer = new SvixSigner(platform.WebhookSecret);

        var requests = Enumerable.Range(0, 8).Select(_ => Gateway.GetAsync("/api/todos", token)).ToList();
        requests.Add(Gateway.SendAsync(signer.Delivery(SvixSigner.Event("user.created", userId))));
        var responses = await Task.WhenAll(requests);

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        var listed = await platform.PlatformAsync(HttpMethod.Get, "/databases?schema=todos-schema");
        var names = (await listed.JsonAsync()).GetProperty("databases").EnumerateArray().Select(db => db.GetProperty("Name").GetString());
        Assert.Single(names, name => name == TenantId.FromClerkId(userId).Value);
    }

    [Fact]
    public async Task UserDeletedBacksUpAndRemovesTheDatabase()
    {
        var userId = NewUserId();
        var name = TenantId.FromClerkId(userId).Value;
        Assert.Equal(HttpStatusCode.Created, (await Gateway.SendAsync(Post("/api/todos", platform.Token(userId), new { description = "keep me" }))).StatusCode);
        var signer = new SvixSigner(platform.WebhookSecret);

        var delivery = await Gateway.SendAsync(signer.Delivery(SvixSigner.Event("user.deleted", userId)));

        Assert.Equal(HttpStatusCode.OK, delivery.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetDatabaseAsync(name)).StatusCode);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(platform.DataDirectory, "backups", name)));
    }

    [Fact]
    public async Task TwoUsersNeverSeeEachOthersData()
    {
        var alice = platform.Token(NewUserId());
        var bob = platform.Token(NewUserId());
        var bobDatabase = TenantId.FromClerkId(new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(bob).Subject).Value;

        Assert.Equal(HttpStatusCode.Created, (await Gateway.SendAsync(Post("/api/todos", alice, new { description = "alice's secret" }))).StatusCode);
        var bobsList = await Gateway.GetAsync("/api/todos", bob);
        var forged = await Gateway.GetAsync("/api/todos", bob, ("X-Tenant-Database", TenantId.FromClerkId(new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(alice).Subject).Value));
        var aliceIntoBob = await Gateway.SendAsync(HttpMethod.Post, $"/db/{bobDatabase}/v2/pipeline", alice);

        Assert.Equal(HttpStatusCode.OK, bobsList.StatusCode);
        Assert.DoesNotContain("alice's secret", await bobsList.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("alice's secret", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, aliceIntoBob.StatusCode);
    }

    [Fact]
    public async Task AForgedTokenNeverReachesAService()
    {
        using var impostor = new SigningKey("ins_e2e");
        var response = await Gateway.GetAsync("/api/todos", impostor.Mint("https://clerk.e2e.example", DateTimeOffset.UtcNow, NewUserId()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("signature", response.Challenge(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServiceReachedDirectlyRefusesAForgedTenantHeader()
    {
        using var direct = new HttpClient { BaseAddress = platform.App.GetEndpoint("todoservice") };
        var victim = TenantId.FromClerkId(NewUserId()).Value;

        var anonymous = await direct.GetAsync("/api/todos", bearer: null, ("X-Tenant-Database", victim));
        var mismatched = await direct.GetAsync("/api/todos", platform.Token(NewUserId()), ("X-Tenant-Database", victim));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, mismatched.StatusCode);
    }

    internal static HttpRequestMessage Post(string path, string token, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private Task<HttpResponseMessage> GetDatabaseAsync(string name) => platform.PlatformAsync(HttpMethod.Get, $"/databases/{name}");

    private static string NewUserId() => "user_" + Guid.NewGuid().ToString("N");
}

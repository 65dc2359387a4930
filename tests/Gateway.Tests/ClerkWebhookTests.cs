extern alias tenantservice;

using System.Net;
using System.Net.Http.Headers;
using Gateway.Tests.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Tenancy.Databases;
using Testing;

namespace Gateway.Tests;

/// <summary>tenantservice's Clerk webhook on a real DATA_DIR and a real Redis, signed by an independent svix signer.</summary>
public sealed class ClerkWebhookTests : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private const string PlatformToken = "webhook-tests-platform-token";

    private readonly RedisFixture redis;
    private readonly string secret = SvixSigner.NewSecret();
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("webhooks-").FullName;
    private readonly SvixSigner signer;
    private TenantServiceFactory factory = null!;
    private HttpClient client = null!;

    public ClerkWebhookTests(RedisFixture redis)
    {
        this.redis = redis;
        signer = new SvixSigner(secret);
    }

    public Task InitializeAsync()
    {
        factory = new TenantServiceFactory(new Dictionary<string, string?>
        {
            ["DATA_DIR"] = dataDirectory,
            ["ConnectionStrings:cache"] = redis.ConnectionString,
            ["PLATFORM_API_TOKEN"] = PlatformToken,
            ["CLERK_WEBHOOK_SECRET"] = secret,
        });
        client = factory.CreateClient();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task UserCreatedCreatesTheUsersDatabaseFromTheUserSchema()
    {
        var userId = NewUserId();

        var response = await client.SendAsync(signer.Delivery(SvixSigner.Event("user.created", userId)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("created", (await response.JsonAsync()).GetProperty("status").GetString());
        var database = await GetDatabaseAsync(TenantId.FromClerkId(userId).Value);
        Assert.Equal(HttpStatusCode.OK, database.StatusCode);
        Assert.Equal("todos-schema", (await database.JsonAsync()).GetProperty("database").GetProperty("schema").GetString());
    }

    [Fact]
    public async Task ARedeliveryIsAnswered200AndDoesNothing()
    {
        var userId = NewUserId();
        var body = SvixSigner.Event("user.created", userId);

        var first = await client.SendAsync(signer.Delivery(body, id: "msg_redelivered_" + userId));
        await DeleteDatabaseAsync(TenantId.FromClerkId(userId).Value);
        var second = await client.SendAsync(signer.Delivery(body, id: "msg_redelivered_" + userId));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("duplicate", (await second.JsonAsync()).GetProperty("status").GetString());
        // Had the redelivery been acted on, the database would exist again.
        Assert.Equal(HttpStatusCode.NotFound, (await GetDatabaseAsync(TenantId.FromClerkId(userId).Value)).StatusCode);
    }

    [Fact]
    public async Task ARedeliveryAfterRedisLostItsDataIsStillNotActedOn()
    {
        var userId = NewUserId();
        var body = SvixSigner.Event("user.created", userId);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(signer.Delivery(body, id: "msg_durable_" + userId))).StatusCode);
        await DeleteDatabaseAsync(TenantId.FromClerkId(userId).Value);

        foreach (var server in redis.Connection.GetServers())
        {
            await server.FlushAllDatabasesAsync();
        }

        var replayed = await client.SendAsync(signer.Delivery(body, id: "msg_durable_" + userId));
        Assert.Equal("duplicate", (await replayed.JsonAsync()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await GetDatabaseAsync(TenantId.FromClerkId(userId).Value)).StatusCode);
    }

    [Fact]
    public async Task UserDeletedBacksUpAndDeletesTheDatabase()
    {
        var userId = NewUserId();
        var name = TenantId.FromClerkId(userId).Value;
        await client.SendAsync(signer.Delivery(SvixSigner.Event("user.created", userId)));

        var response = await client.SendAsync(signer.Delivery(SvixSigner.Event("user.deleted", userId)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("deleted", (await response.JsonAsync()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await GetDatabaseAsync(name)).StatusCode);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dataDirectory, "backups", name)));
    }

    [Fact]
    public async Task UserDeletedWithoutAnIdIsAnswered200()
    {
        var response = await client.SendAsync(signer.Delivery(SvixSigner.Event("user.deleted", id: null)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OrganizationCreatedAndDeletedFollowTheOrgSchema()
    {
        var orgId = "org_" + Guid.NewGuid().ToString("N");
        var name = TenantId.FromClerkId(orgId).Value;

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(signer.Delivery(SvixSigner.Event("organization.created", orgId)))).StatusCode);
        var database = await GetDatabaseAsync(name);
        Assert.Equal("workspace-schema", (await database.JsonAsync()).GetProperty("database").GetProperty("schema").GetString());

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(signer.Delivery(SvixSigner.Event("organization.deleted", orgId)))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetDatabaseAsync(name)).StatusCode);
    }

    [Theory]
    [InlineData("session.created")]
    [InlineData("user.updated")]
    [InlineData("email.created")]
    public async Task OtherEventTypesAreAnswered200AndIgnored(string type)
    {
        var response = await client.SendAsync(signer.Delivery(SvixSigner.Event(type, NewUserId())));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ignored", (await response.JsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ASignatureMadeWithAnotherSecretIsRejected()
    {
        var userId = NewUserId();
        var impostor = new SvixSigner(SvixSigner.NewSecret());

        var response = await client.SendAsync(impostor.Delivery(SvixSigner.Event("user.created", userId)));

        await AssertRejectedAsync(response, userId);
    }

    [Fact]
    public async Task ATamperedBodyIsRejected()
    {
        var userId = NewUserId();
        var signed = SvixSigner.Event("user.created", "user_innocent");
        var id = "msg_tampered";
        var timestamp = DateTimeOffset.UtcNow;
        var signature = signer.Sign(id, timestamp.ToUnixTimeSeconds(), signed);

        var response = await client.SendAsync(signer.Delivery(SvixSigner.Event("user.created", userId), id, timestamp, signature));

        await AssertRejectedAsync(response, userId);
    }

    [Fact]
    public async Task AReSerializedBodyIsRejected()
    {
        // The starter's mistake: verifying a re-serialized body. Whitespace changes must break the signature.
        var userId = NewUserId();
        var body = SvixSigner.Event("user.created", userId);
        var id = "msg_reserialized";
        var timestamp = DateTimeOffset.UtcNow;
        var signature = signer.Sign(id, timestamp.ToUnixTimeSeconds(), body);

        var response = await client.SendAsync(signer.Delivery(body.Replace(",", ", ", StringComparison.Ordinal), id, timestamp, signature));

        await AssertRejectedAsync(response, userId);
    }

    [Fact]
    public async Task AStaleTimestampIsRejected()
    {
        var userId = NewUserId();

        var response = await client.SendAsync(signer.Delivery(SvixSigner.Event("user.created", userId), at: DateTimeOffset.UtcNow.AddMinutes(-6)));

        await AssertRejectedAsync(response, userId);
    }

    [Fact]
    public async Task AFutureTimestampIsRejected()
    {
        var userId = NewUserId();

        var response = await client.SendAsync(signer.Delivery(SvixSigner.Event("user.created", userId), at: DateTimeOffset.UtcNow.AddMinutes(6)));

        await AssertRejectedAsync(response, userId);
    }

    [Fact]
    public async Task ATimestampWithinToleranceIsAccepted()
    {
        var response = await client.SendAsync(signer.Delivery(SvixSigner.Event("user.created", NewUserId()), at: DateTimeOffset.UtcNow.AddMinutes(-4)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AnyOfSeveralSignaturesMayMatch()
    {
        var userId = NewUserId();
        var body = SvixSigner.Event("user.created", userId);
        var id = "msg_rotating_" + userId;
        var timestamp = DateTimeOffset.UtcNow;
        var oldSecret = new SvixSigner(SvixSigner.NewSecret()).Sign(id, timestamp.ToUnixTimeSeconds(), body);
        var signatures = $"v1a,c29tZXRoaW5nZWxzZQ== {oldSecret} v1,bm90IGJhc2U2NCE= {signer.Sign(id, timestamp.ToUnixTimeSeconds(), body)}";

        var response = await client.SendAsync(signer.Delivery(body, id, timestamp, signatures));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetDatabaseAsync(TenantId.FromClerkId(userId).Value)).StatusCode);
    }

    [Fact]
    public async Task StandardWebhooksHeadersAreAccepted()
    {
        var response = await client.SendAsync(signer.Delivery(SvixSigner.Event("user.created", NewUserId()), headerPrefix: "webhook-"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task MissingSignatureHeadersAreRejected()
    {
        var userId = NewUserId();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/clerk") { Content = new StringContent(SvixSigner.Event("user.created", userId)) };

        var response = await client.SendAsync(request);

        await AssertRejectedAsync(response, userId);
    }

    [Fact]
    public async Task ABodyOverOneMebibyteIsRefusedWith413()
    {
        var body = SvixSigner.Event("user.created", NewUserId()).Replace("Ada", new string('a', 1024 * 1024), StringComparison.Ordinal);

        var response = await client.SendAsync(signer.Delivery(body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task WebhookAndOnDemandCreationRacingMakeOneDatabase()
    {
        var userId = NewUserId();
        var name = TenantId.FromClerkId(userId).Value;
        using var platform = factory.CreateClient();
        platform.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PlatformToken);

        var webhooks = Enumerable.Range(0, 3).Select(_ => client.SendAsync(signer.Delivery(SvixSigner.Event("user.created", userId))));
        var onDemand = Enumerable.Range(0, 3).Select(_ => platform.PostAsync("/v1/organizations/local/databases",
            new StringContent($$"""{"name":"{{name}}","schema":"todos-schema"}""", System.Text.Encoding.UTF8, "application/json")));
        var responses = await Task.WhenAll(webhooks.Concat(onDemand));

        Assert.All(responses, response => Assert.Contains(response.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        Assert.Equal(1, responses.Count(response => response.StatusCode == HttpStatusCode.OK && response.RequestMessage!.RequestUri!.AbsolutePath.StartsWith("/v1", StringComparison.Ordinal))
            + await CreatedByWebhooksAsync(responses));
    }

    private static async Task<int> CreatedByWebhooksAsync(IEnumerable<HttpResponseMessage> responses)
    {
        var created = 0;
        foreach (var response in responses.Where(response => response.RequestMessage!.RequestUri!.AbsolutePath == "/webhooks/clerk"))
        {
            created += (await response.JsonAsync()).GetProperty("status").GetString() == "created" ? 1 : 0;
        }

        return created;
    }

    private async Task AssertRejectedAsync(HttpResponseMessage response, string userId)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrEmpty((await response.JsonAsync()).GetProperty("error").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await GetDatabaseAsync(TenantId.FromClerkId(userId).Value)).StatusCode);
    }

    private async Task<HttpResponseMessage> GetDatabaseAsync(string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/organizations/local/databases/{name}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PlatformToken);
        return await client.SendAsync(request);
    }

    private async Task DeleteDatabaseAsync(string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/v1/organizations/local/databases/{name}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PlatformToken);
        (await client.SendAsync(request)).EnsureSuccessStatusCode();
    }

    private static string NewUserId() => "user_" + Guid.NewGuid().ToString("N");

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a file for a moment; the temp folder is the OS's to clean.
        }
    }

    private sealed class TenantServiceFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<tenantservice::Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureLogging(logging => logging.ClearProviders());
        }
    }
}

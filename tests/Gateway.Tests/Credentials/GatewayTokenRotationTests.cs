using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Gateway.Tests.TestSupport;
using Microsoft.IdentityModel.Tokens;
using Tenancy.Metadata;
using Testing;

namespace Gateway.Tests.Credentials;

/// <summary>
/// The gateway's own revocation list, fed from Redis: a rotation announced on tokens:rotated stops a token at the gateway at
/// once, before it reaches tenantservice; one written only to the tokens:rotations hash (a missed message) within
/// TOKEN_ROTATION_REFRESH_MS.
/// </summary>
public sealed class GatewayTokenRotationTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly string signingKey = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
    private FakeBackend todoService = null!;
    private FakeBackend tenantService = null!;
    private GatewayFactory factory = null!;
    private GatewayFactory slowRefreshFactory = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        todoService = await FakeBackend.StartAsync("todoservice");
        tenantService = await FakeBackend.StartAsync("tenantservice");
        var settings = GatewayFactory.Settings(todoService, tenantService);
        settings["ConnectionStrings:cache"] = redis.ConnectionString;
        settings["DATABASE_TOKEN_SIGNING_KEY"] = signingKey;
        settings["TOKEN_ROTATION_REFRESH_MS"] = "200";
        factory = new GatewayFactory(settings);
        client = factory.CreateClient();
        // Re-reads the hash only hourly: what reaches it within the test came by pub/sub.
        slowRefreshFactory = new GatewayFactory(new Dictionary<string, string?>(settings) { ["TOKEN_ROTATION_REFRESH_MS"] = "3600000" });
    }

    [Fact]
    public async Task ARotationAnnouncedOnRedisStopsATokenAtTheGatewayAtOnce()
    {
        using var client = slowRefreshFactory.CreateClient();
        var database = NewName();
        var token = Token(database);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(HttpMethod.Post, $"/db/{database}/v2/pipeline", token)).StatusCode);

        await RotateInRedisAsync(database, announce: true);
        var refused = await EventuallyRefusedAsync(client, database, token, TimeSpan.FromSeconds(20));
        var forwarded = tenantService.Requests.Count;
        var again = await client.SendAsync(HttpMethod.Post, $"/db/{database}/v2/pipeline", token);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("revoked", refused.Challenge(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Equal(forwarded, tenantService.Requests.Count);
    }

    [Fact]
    public async Task ARotationWhoseMessageWasMissedIsReadFromTheHash()
    {
        var database = NewName();
        var token = Token(database);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(HttpMethod.Post, $"/db/{database}/v2/pipeline", token)).StatusCode);

        await RotateInRedisAsync(database, announce: false);
        var refused = await EventuallyRefusedAsync(client, database, token, TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task AnotherDatabasesRotationLeavesATokenAlone()
    {
        var database = NewName();
        var token = Token(database);

        await RotateInRedisAsync(NewName(), announce: true);
        await Task.Delay(300);

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(HttpMethod.Post, $"/db/{database}/v2/pipeline", token)).StatusCode);
    }

    // What tenantservice's TokenRotator writes: the hash entry, then the announcement.
    private async Task RotateInRedisAsync(string database, bool announce)
    {
        var instant = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1;
        var scope = "database:" + database;
        await redis.Connection.GetDatabase().HashSetAsync(RedisKeys.TokenRotations, scope, instant.ToString(CultureInfo.InvariantCulture));
        if (announce)
        {
            await redis.Connection.GetDatabase().PublishAsync(RedisKeys.TokenRotatedChannel, $"{instant} {scope}");
        }
    }

    private static async Task<HttpResponseMessage> EventuallyRefusedAsync(HttpClient client, string database, string token, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var response = await client.SendAsync(HttpMethod.Post, $"/db/{database}/v2/pipeline", token);
            if (response.StatusCode == HttpStatusCode.Unauthorized || DateTime.UtcNow > deadline)
            {
                return response;
            }

            await Task.Delay(20);
        }
    }

    private string Token(string database) =>
        DatabaseTokenSigner.Sign(SecurityAlgorithms.HmacSha256, signingKey, database, DateTime.UtcNow.AddSeconds(-1), DateTime.UtcNow.AddHours(1));

    private static string NewName() => "rot-" + Guid.NewGuid().ToString("N")[..20];

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
        await slowRefreshFactory.DisposeAsync();
        await todoService.DisposeAsync();
        await tenantService.DisposeAsync();
    }
}

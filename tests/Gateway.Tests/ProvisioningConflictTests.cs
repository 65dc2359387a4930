using System.Net;
using Gateway.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Databases;
using Testing;

namespace Gateway.Tests;

/// <summary>
/// The gateway in front of a real tenantservice process. The gateway has no Redis, so every tenant it does not know goes to
/// creation: tenantservice's 409 lets the request through only when it has the database.
/// </summary>
public sealed class ProvisioningConflictTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly SigningKey clerk = new("ins_conflicts");
    private readonly SvixSigner signer = new(WebhookSecret);
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("provisioning-conflicts-").FullName;
    private readonly LogCollector logs = new();
    private TenantServiceProcess tenantService = null!;
    private FakeBackend todoService = null!;
    private GatewayFactory factory = null!;
    private HttpClient client = null!;

    private static string WebhookSecret { get; } = SvixSigner.NewSecret();

    public async Task InitializeAsync()
    {
        tenantService = await TenantServiceProcess.StartAsync(dataDirectory, redis.ConnectionString, GatewayFactory.PlatformToken,
            new Dictionary<string, string> { ["CLERK_WEBHOOK_SECRET"] = WebhookSecret });
        todoService = await FakeBackend.StartAsync("todoservice");
        // The fake stands in for todoservice only; tenantservice is the real process.
        var settings = GatewayFactory.Settings(todoService, todoService);
        settings["services:tenantservice:http:0"] = tenantService.Address.ToString().TrimEnd('/');
        settings["CLERK_JWT_KEY"] = clerk.PublicKeyPem;
        factory = new GatewayFactory(settings, clock, logs: logs);
        client = factory.CreateClient();
    }

    [Fact]
    public async Task AFileWithoutItsRecordGets503AndTheUserIsServedOnceItIsMovedAway()
    {
        var userId = NewUserId();
        var name = TenantId.FromClerkId(userId).Value;
        // A database file platform.db does not know, as after platform.db was restored from an older copy.
        var orphan = Path.Combine(dataDirectory, "databases", name[..2], name + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
        await File.WriteAllTextAsync(orphan, "not a record's file");

        var refused = await client.GetAsync("/api/todos", Token(userId));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        await ErrorBodyAssert.SaysAsync(refused, "could not be made ready");
        Assert.Empty(todoService.Requests);
        var warning = Assert.Single(logs.Entries, entry => entry.Category == "Gateway.Provisioning.TenantProvisioner" && entry.Level >= LogLevel.Warning);
        Assert.Contains("has a file but no record in platform.db", warning.Message, StringComparison.Ordinal);

        File.Move(orphan, Path.Combine(dataDirectory, name + ".db.moved-away"));
        var served = await client.GetAsync("/api/todos", Token(userId));

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tenantService.Client.GetAsync($"/v1/organizations/local/databases/{name}")).StatusCode);
    }

    [Fact]
    public async Task AWebhookCreatingTheSameDatabaseAtOnceStillServesEveryRequest()
    {
        var userId = NewUserId();
        var token = Token(userId);

        var webhooks = Enumerable.Range(0, 3).Select(_ => tenantService.Client.SendAsync(signer.Delivery(SvixSigner.Event("user.created", userId))));
        var requests = Enumerable.Range(0, 5).Select(_ => client.GetAsync("/api/todos", token)).ToArray();
        await Task.WhenAll(webhooks);
        var responses = await Task.WhenAll(requests);

        // tenantservice answers a create that lost the race only once the winner's record is written, so the 409 is confirmed.
        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(5, todoService.Requests.Count);
        Assert.Equal(HttpStatusCode.OK, (await tenantService.Client.GetAsync($"/v1/organizations/local/databases/{TenantId.FromClerkId(userId).Value}")).StatusCode);
        Assert.DoesNotContain(logs.Entries, entry => entry.Category == "Gateway.Provisioning.TenantProvisioner" && entry.Level >= LogLevel.Warning);
    }

    private string Token(string subject) => clerk.Mint("https://clerk.example.com", clock.GetUtcNow(), subject);

    private static string NewUserId() => "user_" + Guid.NewGuid().ToString("N");

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
        await todoService.DisposeAsync();
        await tenantService.DisposeAsync();
        clerk.Dispose();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a file for a moment; the temp folder is the OS's to clean.
        }
    }
}

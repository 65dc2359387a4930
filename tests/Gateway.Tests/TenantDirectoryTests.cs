using System.Net;
using Gateway.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Databases;
using Tenancy.Metadata;
using Testing;

namespace Gateway.Tests;

/// <summary>With Redis, the gateway answers "does this tenant exist" from metadata and forgets deleted tenants.</summary>
public sealed class TenantDirectoryTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly SigningKey clerk = new("ins_directory");
    private FakeBackend todoService = null!;
    private FakeBackend tenantService = null!;
    private GatewayFactory factory = null!;
    private HttpClient client = null!;
    private TenantMetadataStore store = null!;

    public async Task InitializeAsync()
    {
        todoService = await FakeBackend.StartAsync("todoservice");
        tenantService = await FakeBackend.StartAsync("tenantservice");
        var settings = GatewayFactory.Settings(todoService, tenantService);
        settings["CLERK_JWT_KEY"] = clerk.PublicKeyPem;
        settings["ConnectionStrings:cache"] = redis.ConnectionString;
        factory = new GatewayFactory(settings, clock);
        client = factory.CreateClient();
        store = new TenantMetadataStore(redis.Connection);
    }

    [Fact]
    public async Task ATenantKnownToMetadataIsNotCreatedAgain()
    {
        var userId = NewUserId();
        await store.SetAsync(Record(userId));

        var response = await client.GetAsync("/api/todos", Token(userId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, tenantService.CreateCalls);
    }

    [Fact]
    public async Task ADeletedTenantIsProvisionedAgainOnItsNextRequest()
    {
        var userId = NewUserId();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/todos", Token(userId))).StatusCode);
        Assert.Equal(1, tenantService.CreateCalls);

        await store.RemoveAsync(TenantId.FromClerkId(userId));
        // Events arrive asynchronously; the request after the event must go to creation again.
        for (var attempt = 0; attempt < 200 && tenantService.CreateCalls < 2; attempt++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/todos", Token(userId))).StatusCode);
            await Task.Delay(25);
        }

        Assert.Equal(2, tenantService.CreateCalls);
    }

    private TenantRecord Record(string userId) =>
        new(TenantId.FromClerkId(userId), DatabaseKind.Child, "todos-schema", 1, false, false, clock.GetUtcNow());

    private string Token(string subject) => clerk.Mint("https://clerk.example.com", clock.GetUtcNow(), subject);

    private static string NewUserId() => "user_" + Guid.NewGuid().ToString("N");

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
        await todoService.DisposeAsync();
        await tenantService.DisposeAsync();
        clerk.Dispose();
    }
}

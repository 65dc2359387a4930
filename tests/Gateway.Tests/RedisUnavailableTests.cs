using System.Net;
using Gateway.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Testing;

namespace Gateway.Tests;

/// <summary>
/// Redis hung (SIGSTOP) or down (killed): a tenant the gateway must look up gets 503 with Retry-After within
/// TENANT_LOOKUP_TIMEOUT_MS, and nothing is created blind; what needs no Redis (known tenants, the platform API) goes on.
/// Each class has a redis-server of its own, since it pauses or kills it.
/// </summary>
public abstract class RedisUnavailableTestsBase(RedisFixture redis) : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly SigningKey clerk = new("ins_redis_down");
    private FakeBackend todoService = null!;
    private GatewayFactory factory = null!;

    protected RedisFixture Redis { get; } = redis;

    private protected FakeBackend TenantService { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        todoService = await FakeBackend.StartAsync("todoservice");
        TenantService = await FakeBackend.StartAsync("tenantservice");
        var settings = GatewayFactory.Settings(todoService, TenantService);
        settings["CLERK_JWT_KEY"] = clerk.PublicKeyPem;
        // The Redis client's own timeout far beyond the test's patience: only the gateway's bound can answer in time.
        settings["ConnectionStrings:cache"] = $"{Redis.ConnectionString},asyncTimeout=300000,syncTimeout=300000";
        settings["TENANT_LOOKUP_TIMEOUT_MS"] = "300";
        factory = new GatewayFactory(settings, clock);
        Client = factory.CreateClient();
        Client.Timeout = TimeSpan.FromSeconds(60);
    }

    protected string Token(string subject) => clerk.Mint("https://clerk.example.com", clock.GetUtcNow(), subject);

    protected static string NewUserId() => "user_" + Guid.NewGuid().ToString("N");

    protected async Task AssertRedisNeedingPathsRefusedAndOthersServedAsync(string knownUser)
    {
        var creationsBefore = TenantService.CreateCalls;

        using var cold = await Client.GetAsync("/api/todos", Token(NewUserId()));
        using var known = await Client.GetAsync("/api/todos", Token(knownUser));
        using var platform = await Client.GetAsync("/v1/organizations/local/databases", GatewayFactory.PlatformToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, cold.StatusCode);
        Assert.NotNull(cold.Headers.RetryAfter);
        await ErrorBodyAssert.SaysAsync(cold, "tenant directory (Redis) is unreachable; retry shortly");
        Assert.Equal(creationsBefore, TenantService.CreateCalls);
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal(HttpStatusCode.OK, platform.StatusCode);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await factory.DisposeAsync();
        await todoService.DisposeAsync();
        await TenantService.DisposeAsync();
        clerk.Dispose();
    }
}

public sealed class HungRedisTests(RedisFixture redis) : RedisUnavailableTestsBase(redis), IClassFixture<RedisFixture>
{
    [Fact]
    public async Task AColdTenantWhileRedisIsHungGets503WithRetryAfterAndKnownTenantsGoOn()
    {
        var knownUser = NewUserId();
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/api/todos", Token(knownUser))).StatusCode);

        Redis.Pause();
        try
        {
            await AssertRedisNeedingPathsRefusedAndOthersServedAsync(knownUser);
        }
        finally
        {
            Redis.Resume();
        }

        // Redis answers again: the same kind of request is served without a restart.
        using var later = await Client.GetAsync("/api/todos", Token(NewUserId()));
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }
}

public sealed class StoppedRedisTests(RedisFixture redis) : RedisUnavailableTestsBase(redis), IClassFixture<RedisFixture>
{
    [Fact]
    public async Task AColdTenantWhileRedisIsDownGets503WithRetryAfterAndKnownTenantsGoOn()
    {
        var knownUser = NewUserId();
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/api/todos", Token(knownUser))).StatusCode);

        await Redis.StopAsync();

        await AssertRedisNeedingPathsRefusedAndOthersServedAsync(knownUser);
    }
}

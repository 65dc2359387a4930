using System.Net;
using Gateway.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Databases;

namespace Gateway.Tests;

/// <summary>The gateway creates a signed-in user's database on first use, through tenantservice's platform API.</summary>
public sealed class OnDemandProvisioningTests : IAsyncLifetime
{
    private const string ProvisionerLog = "Gateway.Provisioning.TenantProvisioner";

    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly SigningKey clerk = new("ins_provisioning");
    private readonly LogCollector logs = new();
    private FakeBackend todoService = null!;
    private FakeBackend tenantService = null!;
    private GatewayFactory factory = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        todoService = await FakeBackend.StartAsync("todoservice");
        tenantService = await FakeBackend.StartAsync("tenantservice");
        var settings = GatewayFactory.Settings(todoService, tenantService);
        settings["CLERK_JWT_KEY"] = clerk.PublicKeyPem;
        factory = new GatewayFactory(settings, clock, logs: logs);
        client = factory.CreateClient();
    }

    [Fact]
    public async Task TheFirstRequestCreatesTheDatabaseFromTheUserSchema()
    {
        var response = await client.GetAsync("/api/todos", Token("user_first"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var create = Assert.Single(tenantService.Requests, request => request.Method == "POST");
        Assert.Equal("/v1/organizations/local/databases", create.Path);
        Assert.Equal($"Bearer {GatewayFactory.PlatformToken}", create.Headers["Authorization"]);
    }

    [Fact]
    public async Task KnownTenantsCostNoRoundTrip()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/todos", Token("user_known"))).StatusCode);
        }

        Assert.Equal(1, tenantService.CreateCalls);
    }

    [Fact]
    public async Task ConcurrentFirstRequestsOfOneUserCreateOnce()
    {
        tenantService.CreateGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var token = Token("user_burst");

        var requests = Enumerable.Range(0, 20).Select(_ => client.GetAsync("/api/todos", token)).ToArray();
        await Eventually(() => tenantService.CreateCalls >= 1);
        tenantService.CreateGate.SetResult();
        var responses = await Task.WhenAll(requests);

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(1, tenantService.CreateCalls);
        Assert.Equal(20, todoService.Requests.Count(request => request.Headers.GetValueOrDefault("X-Tenant-Database") == TenantId.FromClerkId("user_burst").Value));
    }

    [Fact]
    public async Task ADatabaseThatAlreadyExistsIsFine()
    {
        // A webhook made it first: tenantservice answers 409 and has its record.
        tenantService.Databases.TryAdd(TenantId.FromClerkId("user_webhook_won").Value, 0);
        tenantService.CreateStatus = 409;
        tenantService.CreateError = "database already exists";

        var first = await client.GetAsync("/api/todos", Token("user_webhook_won"));
        var second = await client.GetAsync("/api/todos", Token("user_webhook_won"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, tenantService.CreateCalls);
        Assert.DoesNotContain(logs.Entries, entry => entry.Category == ProvisionerLog && entry.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task A409ForADatabaseTenantServiceDoesNotHaveAnswers503AndIsTriedAgainByTheNextRequest()
    {
        var database = TenantId.FromClerkId("user_orphaned_file").Value;
        tenantService.CreateStatus = 409;
        tenantService.CreateError = $"database '{database}' has a file but no record in platform.db; restore platform.db or move the file away first";

        var refused = await client.GetAsync("/api/todos", Token("user_orphaned_file"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        await ErrorBodyAssert.SaysAsync(refused, "could not be made ready");
        Assert.Empty(todoService.Requests);
        var warning = Assert.Single(logs.Entries, entry => entry.Category == ProvisionerLog && entry.Level >= LogLevel.Warning);
        Assert.Contains(database, warning.Message, StringComparison.Ordinal);
        Assert.Contains("has a file but no record in platform.db", warning.Message, StringComparison.Ordinal);

        // The operator moved the file away: the tenant was not remembered, so the next request creates it.
        tenantService.CreateStatus = 200;
        var retried = await client.GetAsync("/api/todos", Token("user_orphaned_file"));

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(2, tenantService.CreateCalls);
    }

    [Fact]
    public async Task AnOversizedRefusalIsLoggedCut()
    {
        tenantService.CreateStatus = 409;
        tenantService.CreateError = new string('x', 1024 * 1024);

        var refused = await client.GetAsync("/api/todos", Token("user_long_refusal"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var warning = Assert.Single(logs.Entries, entry => entry.Category == ProvisionerLog && entry.Level >= LogLevel.Warning);
        Assert.InRange(warning.Message.Length, 1, 1000);
    }

    [Fact]
    public async Task AFailedCreationAnswers503AndIsRetriedByTheNextRequest()
    {
        tenantService.CreateStatus = 500;
        var failed = await client.GetAsync("/api/todos", Token("user_unlucky"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.NotNull(failed.Headers.RetryAfter);
        await ErrorBodyAssert.SaysAsync(failed, "could not be made ready");
        Assert.Empty(todoService.Requests);

        tenantService.CreateStatus = 200;
        var retried = await client.GetAsync("/api/todos", Token("user_unlucky"));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
    }

    [Fact]
    public async Task PlatformAndAnonymousTrafficProvisionNothing()
    {
        await client.SendAsync(HttpMethod.Post, $"/db/{TenantId.FromClerkId("user_admin_target").Value}/v2/pipeline", GatewayFactory.PlatformToken);
        await client.PostAsync("/webhooks/clerk", new StringContent("{}"));
        await client.GetAsync($"/db/{TenantId.FromClerkId("user_probe_only").Value}/v3", bearer: null);

        Assert.Equal(0, tenantService.CreateCalls);
    }

    private string Token(string subject) => clerk.Mint("https://clerk.example.com", clock.GetUtcNow(), subject);

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
        await todoService.DisposeAsync();
        await tenantService.DisposeAsync();
        clerk.Dispose();
    }
}

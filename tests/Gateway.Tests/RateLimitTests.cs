using System.Net;
using Gateway.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Databases;

namespace Gateway.Tests;

public sealed class RateLimitTests : IAsyncLifetime
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
        // One request per second with a burst of two: a short loop must overrun it.
        settings["TENANT_RATE_LIMIT"] = "1";
        factory = new GatewayFactory(settings, clock);
        client = factory.CreateClient();
    }

    [Fact]
    public async Task OneTenantsFloodIsRefusedWhileAnotherTenantIsServed()
    {
        var flooder = await DevTokenAsync("user_flood");
        var neighbour = await DevTokenAsync("user_quiet");

        // Sent at once: however slow the machine, 30 requests cannot all fit a bucket of two refilled by one a second.
        var statuses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => client.GetAsync("/api/todos", flooder)));

        var refused = statuses.Where(response => response.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, response =>
        {
            Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After is at least one second");
        });
        await ErrorBodyAssert.SaysAsync(refused[0], "Too many requests for this tenant");

        var other = await client.GetAsync("/api/todos", neighbour);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task AnonymousVersionProbesAreLimitedWithoutSpendingATenantsTokens()
    {
        var user = await DevTokenAsync("user_probed");
        var database = TenantId.FromClerkId("user_probed").Value;

        var probes = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => client.GetAsync($"/db/{database}/v3", bearer: null)));

        Assert.Contains(probes, probe => probe.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Contains(probes, probe => probe.StatusCode != HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/todos", user)).StatusCode);
    }

    [Fact]
    public async Task UnauthenticatedRequestsDoNotSpendATenantsTokens()
    {
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/todos", "garbage")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/todos", await DevTokenAsync("user_fresh"))).StatusCode);
    }

    private async Task<string> DevTokenAsync(string subject)
    {
        var response = await client.PostAsync("/dev/token", new StringContent($$"""{"sub":"{{subject}}"}""", System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return (await response.JsonAsync()).GetProperty("token").GetString()!;
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
        await todoService.DisposeAsync();
        await tenantService.DisposeAsync();
    }
}

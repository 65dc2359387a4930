using System.Net;
using Gateway.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests;

public sealed class JwksRotationTests : IAsyncLifetime
{
    private readonly SigningKey first = new("ins_first");
    private readonly SigningKey second = new("ins_second");
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private JwksServer jwks = null!;
    private FakeBackend todoService = null!;
    private FakeBackend tenantService = null!;
    private GatewayFactory factory = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        jwks = await JwksServer.StartAsync(first);
        todoService = await FakeBackend.StartAsync("todoservice");
        tenantService = await FakeBackend.StartAsync("tenantservice");
        var settings = GatewayFactory.Settings(todoService, tenantService);
        settings["CLERK_ISSUER"] = jwks.Issuer;
        factory = new GatewayFactory(settings, clock);
        client = factory.CreateClient();
    }

    [Fact]
    public async Task KeysAreFetchedOnceAndCached()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/todos", first.Mint(jwks.Issuer, clock.GetUtcNow()))).StatusCode);
        }

        Assert.Equal(1, jwks.Fetches);
    }

    [Fact]
    public async Task ARotatedKeyIsPickedUpWhenATokenNamesItsKid()
    {
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/todos", first.Mint(jwks.Issuer, clock.GetUtcNow()))).StatusCode);
        jwks.Publish(first, second);
        clock.Advance(TimeSpan.FromSeconds(15));

        var response = await client.GetAsync("/api/todos", second.Mint(jwks.Issuer, clock.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, jwks.Fetches);
    }

    [Fact]
    public async Task UnknownKidsCannotMakeTheGatewayHammerTheIssuer()
    {
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/todos", first.Mint(jwks.Issuer, clock.GetUtcNow()))).StatusCode);
        jwks.Publish(first, second);

        // Right after a fetch, an unknown kid does not fetch again: the minimum refresh interval has not passed.
        var early = await client.GetAsync("/api/todos", second.Mint(jwks.Issuer, clock.GetUtcNow()));
        Assert.Equal(HttpStatusCode.Unauthorized, early.StatusCode);
        Assert.Contains("ins_second", early.Challenge(), StringComparison.Ordinal);
        Assert.Equal(1, jwks.Fetches);

        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/todos", second.Mint(jwks.Issuer, clock.GetUtcNow()))).StatusCode);
        Assert.Equal(2, jwks.Fetches);
    }

    [Fact]
    public async Task ARetiredKeyStopsWorkingAfterTheHourlyRefresh()
    {
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/todos", first.Mint(jwks.Issuer, clock.GetUtcNow()))).StatusCode);
        jwks.Publish(second);
        clock.Advance(TimeSpan.FromMinutes(61));

        var response = await client.GetAsync("/api/todos", first.Mint(jwks.Issuer, clock.GetUtcNow()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
        await jwks.DisposeAsync();
        await todoService.DisposeAsync();
        await tenantService.DisposeAsync();
        first.Dispose();
        second.Dispose();
    }
}

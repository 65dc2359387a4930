using System.Net;
using Gateway.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tenancy.Databases;
using Tenancy.Identity;

namespace Gateway.Tests;

/// <summary>Client-sent tenant headers never reach a service, and a service refuses forged ones itself.</summary>
public sealed class TenantHeaderTests(ClerkGatewayFixture gateway) : IClassFixture<ClerkGatewayFixture>, IAsyncLifetime
{
    private WebApplication service = null!;
    private HttpClient serviceClient = null!;

    [Fact]
    public async Task TheGatewayReplacesAForgedTenantHeaderWithTheTokensTenant()
    {
        var victim = TenantId.FromClerkId("user_victim").Value;

        var response = await gateway.Client.GetAsync("/api/todos", gateway.Token("user_attacker"),
            (TenantHeaders.Database, victim), (TenantHeaders.TenantId, victim), ("x-tenant-extra", "1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(TenantId.FromClerkId("user_attacker").Value, body.GetProperty("tenant_database").GetString());
        Assert.Equal(TenantId.FromClerkId("user_attacker").Value, body.GetProperty("tenant_id").GetString());
        Assert.DoesNotContain(gateway.TodoService.Requests, request => request.Headers.ContainsKey("x-tenant-extra"));
    }

    [Fact]
    public async Task TheGatewayStripsTenantHeadersFromAnonymousRoutes()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/clerk") { Content = new StringContent("{}") };
        request.Headers.Add(TenantHeaders.Database, "forged");
        request.Headers.Add("svix-id", "msg_header_test");

        var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = gateway.TenantService.Requests.Last(r => r.Headers.GetValueOrDefault("svix-id") == "msg_header_test");
        Assert.False(received.Headers.ContainsKey(TenantHeaders.Database));
    }

    [Fact]
    public async Task AServiceRefusesATenantHeaderWithoutCredentials()
    {
        var response = await serviceClient.GetAsync("/api/me", bearer: null, (TenantHeaders.Database, TenantId.FromClerkId("user_victim").Value));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("tenant header", response.Challenge(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServiceRefusesATenantHeaderThatDisagreesWithTheToken()
    {
        var response = await serviceClient.GetAsync("/api/me", gateway.Token("user_attacker"),
            (TenantHeaders.Database, TenantId.FromClerkId("user_victim").Value));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(TenantHeaders.Database, response.Challenge(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServiceAcceptsTheGatewaysHeadersWithTheMatchingToken()
    {
        var database = TenantId.FromClerkId("user_honest").Value;

        var response = await serviceClient.GetAsync("/api/me", gateway.Token("user_honest"),
            (TenantHeaders.Database, database), (TenantHeaders.TenantId, database));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(database, (await response.JsonAsync()).GetProperty("database").GetString());
    }

    [Fact]
    public async Task AServiceResolvesTheTenantFromTheTokenAlone()
    {
        var response = await serviceClient.GetAsync("/api/me", gateway.Token("user_direct"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(TenantId.FromClerkId("user_direct").Value, body.GetProperty("database").GetString());
        Assert.Equal("user_direct", body.GetProperty("user").GetString());
    }

    [Fact]
    public async Task AServiceRefusesARequestWithoutCredentials()
    {
        var response = await serviceClient.GetAsync("/api/me", bearer: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    // A service as TodoService is meant to be built: AddTenantAuthentication and the TenantUser policy.
    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        builder.Configuration["CLERK_ISSUER"] = gateway.Jwks.Issuer;
        builder.Configuration["PLATFORM_API_TOKEN"] = GatewayFactory.PlatformToken;
        builder.AddTenantAuthentication();
        builder.Services.AddSingleton<TimeProvider>(gateway.Clock);
        service = builder.Build();
        service.UseAuthentication();
        service.UseAuthorization();
        service.MapGet("/api/me", (HttpContext context) => Results.Json(new
        {
            user = context.User.GetUserId(),
            database = context.User.GetTenantDatabase(),
        })).RequireAuthorization(TenantPolicies.User);
        await service.StartAsync();
        serviceClient = service.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        serviceClient.Dispose();
        await service.DisposeAsync();
    }
}

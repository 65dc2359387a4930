using System.Net;
using System.Text.Json;

namespace AppHost.Tests;

[Collection(PlatformCollection.Name)]
public sealed class SystemStartupTests(PlatformFixture platform)
{
    [Fact]
    public async Task TheAppHostStartsAllResourcesHealthy()
    {
        using var response = await platform.Gateway.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["cache", "tenantservice", "todoservice", "gateway"], platform.Resources.Select(resource => resource.ResourceName).Distinct());
        Assert.True(
            await Eventually.TrueAsync(() => platform.Resources.All(resource => resource is { State: ResourceState.Running, Health: ResourceHealth.Healthy }), TimeSpan.FromSeconds(60)),
            string.Join(Environment.NewLine, platform.Resources));
    }

    [Theory]
    [InlineData("/v1/organizations/local/databases")]
    [InlineData("/api/todos")]
    public async Task TheGatewayReachesEachService(string path)
    {
        using var response = await platform.Gateway.GetAsync(path);

        // Until the services map these routes, a 404 from the service is fine; 502/503 would mean the gateway found no destination.
        Assert.NotEqual(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.NotEqual(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public void EveryProjectIsGivenItsSettingsTheAspireWay()
    {
        var gateway = platform.Resources.Single(resource => resource.Name == "gateway");
        var cache = platform.App.GetConnectionString("cache");

        var environment = ProcessTable.EnvironmentOf(gateway.ProcessId!.Value);

        Assert.Equal(cache, environment["ConnectionStrings__cache"]);
        Assert.Equal(platform.App.GetEndpoint("tenantservice").ToString().TrimEnd('/'), environment["services__tenantservice__http__0"]);
        Assert.Equal(platform.App.GetEndpoint("todoservice").ToString().TrimEnd('/'), environment["services__todoservice__http__0"]);
        Assert.Equal(gateway.Endpoints[0], environment["ASPNETCORE_URLS"]);
        Assert.Equal("Development", environment["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal("gateway", environment["OTEL_SERVICE_NAME"]);
        Assert.StartsWith("service.instance.id=gateway-", environment["OTEL_RESOURCE_ATTRIBUTES"], StringComparison.Ordinal);
        Assert.StartsWith("http://127.0.0.1:", environment["OTEL_EXPORTER_OTLP_ENDPOINT"], StringComparison.Ordinal);
        Assert.Equal("grpc", environment["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.StartsWith("x-otlp-api-key=", environment["OTEL_EXPORTER_OTLP_HEADERS"], StringComparison.Ordinal);
        Assert.Equal(platform.DataDirectory, environment["DATA_DIR"]);
        Assert.Equal("local", environment["PLATFORM_ORG"]);
        Assert.Equal(platform.PlatformApiToken, environment["PLATFORM_API_TOKEN"]);
        Assert.Equal("50", environment["TENANT_RATE_LIMIT"]);
        Assert.False(environment.ContainsKey("CLERK_ISSUER"));
    }

    [Fact]
    public async Task TheDevSecretsTheServicesGetAreTheOnesKeptInTheDataDirectory()
    {
        var stored = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(Path.Combine(platform.DataDirectory, "secrets.json")))!;

        Assert.Equal(stored["PLATFORM_API_TOKEN"], platform.PlatformApiToken);
        Assert.Equal(stored["CLERK_WEBHOOK_SECRET"], platform.WebhookSecret);
    }
}

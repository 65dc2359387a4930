using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AppHost.Dashboard;

namespace Dashboard.Tests;

/// The dashboard server on its own, with a fixed set of resources.
public sealed class DashboardHostTests
{
    [Fact]
    public async Task ThePageItsAssetsAndTheResourcesApiAreServed()
    {
        await using var dashboard = await StartAsync();
        using var client = new HttpClient { BaseAddress = dashboard.LoopbackUrl };

        Assert.Contains("<script src=\"/app.js\">", await client.GetStringAsync("/"));
        Assert.Contains("function route()", await client.GetStringAsync("/app.js"));
        using var resources = JsonDocument.Parse(await client.GetStringAsync("/api/resources"));
        var cache = Assert.Single(resources.RootElement.EnumerateArray());
        Assert.Equal(("cache", "Running", "Healthy"), (cache.GetProperty("name").GetString(), cache.GetProperty("state").GetString(), cache.GetProperty("health").GetString()));
        using var console = JsonDocument.Parse(await client.GetStringAsync("/api/console/cache?q=ready"));
        Assert.Equal(["Ready to accept connections"], console.RootElement.GetProperty("lines").EnumerateArray().Select(line => line.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/console/nothing")).StatusCode);
    }

    [Fact]
    public async Task ARequestForAnotherHostNameIsRefused()
    {
        await using var dashboard = await StartAsync();
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(dashboard.LoopbackUrl, "/api/resources"));
        request.Headers.Host = "attacker.example";

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task APortInUseStopsStartupNamingTheSettingToChange()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => StartAsync(port));

        Assert.Contains("DASHBOARD_PORT", error.Message);
    }

    private static Task<DashboardHost> StartAsync(int port = 0) => DashboardHost.StartAsync(
        new DashboardOptions { Port = port, OtlpGrpcPort = 0, OtlpHttpPort = 0, OtlpApiKey = "key" },
        new FixedResources(),
        TimeProvider.System,
        CancellationToken.None);

    /// The AppHost's resources are the edge here: the dashboard only reads them.
    private sealed class FixedResources : IResourceSource
    {
        public IReadOnlyList<ResourceSnapshot> GetResources() =>
        [
            new ResourceSnapshot
            {
                Name = "cache",
                ResourceName = "cache",
                Kind = "Redis",
                State = ResourceState.Running,
                Health = ResourceHealth.Healthy,
                Endpoints = ["127.0.0.1:6379"],
            },
        ];

        public IReadOnlyList<string> GetConsoleLines(string instanceName, int count) => ["Server initialized", "Ready to accept connections"];
    }
}

using System.Net;
using Gateway.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;

namespace Gateway.Tests;

/// <summary>The gateway in front of three todoservice replicas, each handed over as the AppHost does (services__todoservice__http__N).</summary>
public sealed class ReplicaRoutingTests : IAsyncLifetime
{
    private readonly List<FakeBackend> replicas = [];
    private FakeBackend tenantService = null!;
    private GatewayFactory factory = null!;

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            replicas.Add(await FakeBackend.StartAsync($"todoservice-{i}"));
        }

        tenantService = await FakeBackend.StartAsync("tenantservice");
        var settings = GatewayFactory.Settings(replicas[0], tenantService, [.. replicas.Skip(1)]);
        settings["DEV_JWT_SIGNING_KEY"] = DevKey.Pem;
        factory = new GatewayFactory(settings);
    }

    [Fact]
    public async Task EachReplicaAddressBecomesADestinationOfItsOwn()
    {
        using var client = factory.CreateClient();
        var token = await DevTokenAsync(client, "user_destinations");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/todos", token)).StatusCode);

        Assert.True(factory.Services.GetRequiredService<IProxyStateLookup>().TryGetCluster("todoservice", out var cluster));
        var addresses = cluster.Destinations.Values.Select(destination => destination.Model.Config.Address).Order().ToArray();
        Assert.Equal(replicas.Select(replica => replica.Address.ToString()).Order(), addresses);
    }

    [Fact]
    public async Task EachUserStaysOnOneReplicaAndUsersSpreadOverAllReplicas()
    {
        using var client = factory.CreateClient();

        var replicasPerUser = new Dictionary<string, HashSet<string>>();
        for (var user = 0; user < 30; user++)
        {
            var token = await DevTokenAsync(client, $"user_affinity_{user}");
            var seen = replicasPerUser[$"user_affinity_{user}"] = [];
            for (var i = 0; i < 3; i++)
            {
                var response = await client.GetAsync("/api/todos", token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                seen.Add((await response.JsonAsync()).GetProperty("backend").GetString()!);
            }
        }

        Assert.All(replicasPerUser.Values, seen => Assert.Single(seen));
        // 30 users miss one of three replicas with a chance of 3 * (2/3)^30, about 1 in 60,000.
        Assert.Equal(["todoservice-0", "todoservice-1", "todoservice-2"], replicasPerUser.Values.Select(seen => seen.Single()).Distinct().Order());
    }

    private static async Task<string> DevTokenAsync(HttpClient client, string subject)
    {
        var response = await client.PostAsync("/dev/token", new StringContent($$"""{"sub":"{{subject}}"}""", System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return (await response.JsonAsync()).GetProperty("token").GetString()!;
    }

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        await tenantService.DisposeAsync();
        foreach (var replica in replicas)
        {
            await replica.DisposeAsync();
        }
    }
}

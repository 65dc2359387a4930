namespace AppHost.Tests;

public sealed class TwoReplicaPlatformFixture : PlatformFixture
{
    protected override IEnumerable<string> Arguments => ["--TODOSERVICE_REPLICAS=2"];
}

[Collection(PlatformCollection.Name)]
public sealed class ReplicaTests(TwoReplicaPlatformFixture platform) : IClassFixture<TwoReplicaPlatformFixture>
{
    [Fact]
    public void EachReplicaIsItsOwnHealthyProcessAndTheGatewayKnowsBoth()
    {
        var replicas = platform.Resources.Where(resource => resource.ResourceName == "todoservice").ToArray();
        var gateway = platform.Resources.Single(resource => resource.Name == "gateway");

        var environment = ProcessTable.EnvironmentOf(gateway.ProcessId!.Value);

        Assert.Equal(["todoservice-0", "todoservice-1"], replicas.Select(replica => replica.Name));
        Assert.All(replicas, replica => Assert.Equal(ResourceHealth.Healthy, replica.Health));
        Assert.Equal(2, replicas.Select(replica => replica.ProcessId).Distinct().Count());
        Assert.Equal(replicas[0].Endpoints[0], environment["services__todoservice__http__0"]);
        Assert.Equal(replicas[1].Endpoints[0], environment["services__todoservice__http__1"]);
    }
}

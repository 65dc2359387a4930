using Gateway.Routing;
using Tenancy.Databases;

namespace Gateway.Tests;

public sealed class TenantRendezvousPolicyTests
{
    private static readonly string[] Replicas = ["http://127.0.0.1:5001/", "http://127.0.0.1:5002/", "http://127.0.0.1:5003/"];
    private static readonly string[] Tenants = [.. Enumerable.Range(0, 3000).Select(i => TenantId.FromClerkId($"user_{i}").Value)];

    [Fact]
    public void ATenantAlwaysGoesToTheSameReplicaWhateverTheOrder()
    {
        var reversed = Replicas.Reverse().ToArray();
        foreach (var tenant in Tenants)
        {
            Assert.Equal(Pick(tenant, Replicas), Pick(tenant, reversed));
        }
    }

    [Fact]
    public void TenantsSpreadOverAllReplicas()
    {
        var shares = Tenants.GroupBy(tenant => Pick(tenant, Replicas)).ToDictionary(group => group.Key, group => group.Count());

        Assert.Equal(Replicas.Length, shares.Count);
        // An even share is 1000 of 3000; a fair hash stays well within 800..1200.
        Assert.All(shares.Values, count => Assert.InRange(count, 800, 1200));
    }

    [Fact]
    public void AFailedReplicaHandsOnlyItsOwnTenantsToTheOthers()
    {
        var failed = Replicas[1];
        var survivors = Replicas.Where(replica => replica != failed).ToArray();

        var moved = 0;
        foreach (var tenant in Tenants)
        {
            var before = Pick(tenant, Replicas);
            var after = Pick(tenant, survivors);
            if (before == failed)
            {
                moved++;
                Assert.Contains(after, survivors);
            }
            else
            {
                Assert.Equal(before, after);
            }
        }

        Assert.InRange(moved, 800, 1200);
    }

    [Fact]
    public void TheReplicaComesBackToTheSameTenants()
    {
        var survivors = Replicas.Where(replica => replica != Replicas[2]).ToArray();
        foreach (var tenant in Tenants.Take(500))
        {
            var original = Pick(tenant, Replicas);
            _ = Pick(tenant, survivors);
            Assert.Equal(original, Pick(tenant, Replicas));
        }
    }

    private static string Pick(string tenant, IReadOnlyList<string> replicas) => TenantRendezvousPolicy.Pick(tenant, replicas, replica => replica);
}

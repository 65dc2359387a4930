using Tenancy.Identity;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace Gateway.Routing;

/// <summary>
/// Sends each tenant to one replica by rendezvous (highest random weight) hashing over the available
/// (healthy) destinations, so each replica keeps a stable share of tenants warm in its caches; when a
/// replica leaves, only its own tenants move, spread over the others.
/// </summary>
internal sealed class TenantRendezvousPolicy : ILoadBalancingPolicy
{
    public const string PolicyName = "TenantRendezvous";

    private int roundRobin;

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        if (availableDestinations.Count <= 1)
        {
            return availableDestinations.Count == 0 ? null : availableDestinations[0];
        }

        var tenant = context.User.GetTenantDatabase() ?? context.GetRouteValue(TenantPolicies.DatabaseRouteValue) as string;
        if (tenant is null)
        {
            // No tenant (anonymous or platform traffic): nothing to keep warm, so spread it evenly.
            var index = (uint)Interlocked.Increment(ref roundRobin) % (uint)availableDestinations.Count;
            return availableDestinations[(int)index];
        }

        return Pick(tenant, availableDestinations, Identity);
    }

    /// <summary>The candidate with the highest weight for <paramref name="tenant"/>; independent of the list's order.</summary>
    internal static T Pick<T>(string tenant, IReadOnlyList<T> candidates, Func<T, string> identity)
    {
        var best = candidates[0];
        var bestId = identity(best);
        var bestWeight = Weight(tenant, bestId);
        for (var i = 1; i < candidates.Count; i++)
        {
            var id = identity(candidates[i]);
            var weight = Weight(tenant, id);
            if (weight > bestWeight || (weight == bestWeight && string.CompareOrdinal(id, bestId) < 0))
            {
                (best, bestId, bestWeight) = (candidates[i], id, weight);
            }
        }

        return best;
    }

    /// <summary>A well-mixed 64-bit hash of the pair: FNV-1a over both strings, then the SplitMix64 finalizer.</summary>
    internal static ulong Weight(string tenant, string destination)
    {
        const ulong prime = 0x100000001b3;
        var hash = 0xcbf29ce484222325;
        foreach (var c in tenant)
        {
            hash = (hash ^ c) * prime;
        }

        // A separator keeps ("ab", "c") and ("a", "bc") apart.
        hash = (hash ^ 0xffff) * prime;
        foreach (var c in destination)
        {
            hash = (hash ^ c) * prime;
        }

        hash ^= hash >> 30;
        hash *= 0xbf58476d1ce4e5b9;
        hash ^= hash >> 27;
        hash *= 0x94d049bb133111eb;
        hash ^= hash >> 31;
        return hash;
    }

    // The address names a replica whatever id service discovery gives its destination.
    private static string Identity(DestinationState destination) => destination.Model?.Config.Address ?? destination.DestinationId;
}

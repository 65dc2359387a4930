using System.Net;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace Gateway.Routing;

/// <summary>
/// Expands a destination whose address names a resource (<c>http://todoservice</c>) into one
/// destination per endpoint that service discovery knows for it, so every replica gets traffic.
/// </summary>
internal sealed class ServiceDiscoveryDestinationResolver(ServiceEndpointResolver resolver) : IDestinationResolver
{
    public async ValueTask<ResolvedDestinationCollection> ResolveDestinationsAsync(
        IReadOnlyDictionary<string, DestinationConfig> destinations, CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<string, DestinationConfig>();
        var changeTokens = new List<IChangeToken>();

        foreach (var (id, destination) in destinations)
        {
            var address = new Uri(destination.Address);
            var source = await resolver.GetEndpointsAsync(address.GetLeftPart(UriPartial.Authority), cancellationToken);
            if (source.ChangeToken is { } changeToken)
            {
                changeTokens.Add(changeToken);
            }

            for (var i = 0; i < source.Endpoints.Count; i++)
            {
                var endpointAddress = ToUri(address, source.Endpoints[i].EndPoint);
                resolved[$"{id}[{i}]"] = destination with { Address = endpointAddress.ToString() };
            }
        }

        return new ResolvedDestinationCollection(resolved, new CompositeChangeToken(changeTokens));
    }

    private static Uri ToUri(Uri serviceAddress, EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip => new UriBuilder(serviceAddress.Scheme, ip.Address.ToString(), ip.Port).Uri,
        DnsEndPoint dns => new UriBuilder(serviceAddress.Scheme, dns.Host, dns.Port).Uri,
        _ => new Uri(endPoint.ToString() ?? throw new InvalidOperationException($"Service discovery returned an empty endpoint for '{serviceAddress}'."))
    };
}

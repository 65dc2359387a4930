using Gateway.Routing;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace Gateway.Extensions;

internal static class Extensions
{
    public static void AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));

        // Cluster addresses are resource names (http://todoservice); service discovery expands them, one destination per replica.
        builder.Services.AddSingleton<IDestinationResolver, ServiceDiscoveryDestinationResolver>();
    }
}

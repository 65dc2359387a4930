using Gateway.Authentication;
using Gateway.Provisioning;
using Gateway.RateLimiting;
using Gateway.Routing;
using Tenancy;
using Tenancy.Identity;
using Tenancy.Metadata;
using Yarp.ReverseProxy.LoadBalancing;

namespace Gateway.Extensions;

internal static class Extensions
{
    public static void AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.AddTenantAuthentication();
        builder.Services.AddSingleton<DevTokenIssuer>();
        builder.AddTenantRateLimiting();
        builder.AddTenantProvisioning();

        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddTransforms(TenantForwarding.AddTenantHeaders)
            .AddTransforms(ClientAddressForwarding.AddSignedClientAddress)
            // Cluster addresses are resource names (http://todoservice); service discovery expands each into one destination per replica.
            .AddServiceDiscoveryDestinationResolver();
        builder.Services.AddSingleton<ILoadBalancingPolicy, TenantRendezvousPolicy>();
    }

    public static void AddTenantProvisioning(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings(ProvisioningOptions.Read);
        builder.AddTenantSchemas();
        builder.Services.AddSingleton<TenantDirectory>();
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(CacheClient.ConnectionName)))
        {
            // No Redis (a gateway run on its own): every unknown tenant goes to creation, where a 409 that tenantservice's record confirms means "exists".
            builder.Services.AddSingleton<ITenantExistenceLookup, UnknownUntilCreatedLookup>();
        }
        else
        {
            builder.AddCacheClient();
            builder.Services.AddSingleton<TenantMetadataStore>();
            builder.Services.AddSingleton<ITenantExistenceLookup, MetadataExistenceLookup>();
            builder.Services.AddHostedService<TenantEventsListener>();
            // Rotated database and group tokens are refused here at once, not only by tenantservice behind.
            builder.AddTokenRotationFeed();
        }

        builder.Services.AddSettings(TenantLookupOptions.Read);
        builder.Services.AddSingleton<TenantProvisioner>();
        builder.Services.AddHttpClient(TenantProvisioner.HttpClientName, client => client.BaseAddress = new Uri("http://tenantservice"));
    }

    public static WebApplication UseGatewayEdge(this WebApplication app)
    {
        // Client-sent tenant headers go before authentication could ever compare against them.
        app.UseTenantHeaderStripping();
        app.UseAuthentication();
        app.UseAuthorization();
        // After authorization, so refused requests never spend a tenant's tokens.
        app.UseRateLimiter();
        return app;
    }

    public static WebApplication MapTenantReverseProxy(this WebApplication app)
    {
        app.MapReverseProxy(proxy =>
        {
            proxy.UseTenantProvisioning();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }
}

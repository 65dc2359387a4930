using Tenancy;
using Tenancy.Identity;
using Yarp.ReverseProxy.Model;

namespace Gateway.Provisioning;

/// <summary>The proxy pipeline step that provisions the user's database on routes marked for it.</summary>
internal static class ProvisioningPipeline
{
    /// <summary>Route metadata key; "true" on routes that act on the signed-in user's own database.</summary>
    public const string MetadataKey = "ProvisionTenant";

    public static IReverseProxyApplicationBuilder UseTenantProvisioning(this IReverseProxyApplicationBuilder proxy)
    {
        var provisioner = proxy.ApplicationServices.GetRequiredService<TenantProvisioner>();
        proxy.Use(async (context, next) =>
        {
            var route = context.GetReverseProxyFeature().Route.Config;
            if (route.Metadata?.GetValueOrDefault(MetadataKey) == "true" && context.User.GetTenantDatabase() is { } database)
            {
                var outcome = await provisioner.EnsureAsync(database, context.RequestAborted);
                if (Refusal(outcome) is { } refusal)
                {
                    context.Response.Headers.RetryAfter = "1";
                    await ErrorBody.WriteAsync(context.Response, StatusCodes.Status503ServiceUnavailable, refusal, context.RequestAborted);
                    return;
                }
            }

            await next();
        });
        return proxy;
    }

    private static string? Refusal(ProvisioningOutcome outcome) => outcome switch
    {
        ProvisioningOutcome.Failed => "Your database is created on first use and could not be made ready just now; retry shortly.",
        ProvisioningOutcome.DirectoryUnavailable =>
            "Your database cannot be looked up right now: the platform's tenant directory (Redis) is unreachable; retry shortly.",
        _ => null,
    };
}

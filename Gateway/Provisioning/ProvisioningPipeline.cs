using Tenancy;
using Tenancy.Identity;
using Yarp.ReverseProxy.Model;

namespace Gateway.Provisioning;

/// <summary>
/// The proxy pipeline step that provisions, on routes marked for it, the signed-in user's database (from <c>USER_SCHEMA</c>)
/// or, when a libSQL request names it, their active organization's (from <c>ORG_SCHEMA</c>). Platform and database-token
/// callers address databases that exist already; nothing is created for them.
/// </summary>
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
            if (route.Metadata?.GetValueOrDefault(MetadataKey) == "true" && TenantOf(context) is { } tenant)
            {
                var outcome = await provisioner.EnsureAsync(tenant.Database, tenant.Organization, context.RequestAborted);
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

    // The user's own database, or the organization's when the route names it; null for anything else.
    private static (string Database, bool Organization)? TenantOf(HttpContext context)
    {
        if (context.User.GetTenantDatabase() is not { } own)
        {
            return null;
        }

        if (context.GetRouteValue(TenantPolicies.DatabaseRouteValue) is not string named || named == own)
        {
            return (own, false);
        }

        return context.User.FindFirst(TenantClaims.OrganizationDatabase)?.Value == named ? (named, true) : null;
    }

    private static string? Refusal(ProvisioningOutcome outcome) => outcome switch
    {
        ProvisioningOutcome.Failed => "Your database is created on first use and could not be made ready just now; retry shortly.",
        ProvisioningOutcome.DirectoryUnavailable =>
            "Your database cannot be looked up right now: the platform's tenant directory (Redis) is unreachable; retry shortly.",
        _ => null,
    };
}

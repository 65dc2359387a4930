using Tenancy.Identity;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Routing;

/// <summary>
/// Tenant headers are the gateway's alone: client copies are stripped before authentication, and the
/// tenant resolved from the validated token is added to every proxied request.
/// </summary>
internal static class TenantForwarding
{
    public static IApplicationBuilder UseTenantHeaderStripping(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            TenantHeaders.RemoveFrom(context.Request.Headers);
            return next(context);
        });

    public static void AddTenantHeaders(TransformBuilderContext builder) =>
        builder.AddRequestTransform(transform =>
        {
            if (transform.HttpContext.User.GetTenantDatabase() is { } database)
            {
                transform.ProxyRequest.Headers.Remove(TenantHeaders.TenantId);
                transform.ProxyRequest.Headers.Remove(TenantHeaders.Database);
                transform.ProxyRequest.Headers.TryAddWithoutValidation(TenantHeaders.TenantId, database);
                transform.ProxyRequest.Headers.TryAddWithoutValidation(TenantHeaders.Database, database);
            }

            return ValueTask.CompletedTask;
        });
}

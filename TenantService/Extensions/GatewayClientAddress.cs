using Microsoft.AspNetCore.HttpOverrides;
using Tenancy.Identity;

namespace TenantService.Extensions;

/// <summary>
/// Makes <c>Connection.RemoteIpAddress</c> the client's address when the gateway forwarded the request: its
/// <c>X-Forwarded-For</c> is believed only with the gateway's signature (<see cref="ForwardedForSignature"/>), from a
/// loopback peer. Anything else, such as a header a local process made up, leaves the peer's own address in place.
/// </summary>
internal static class GatewayClientAddress
{
    public static WebApplication UseGatewayClientAddress(this WebApplication app)
    {
        var token = app.Services.GetRequiredService<TenantIdentityOptions>().PlatformApiToken;
        if (string.IsNullOrEmpty(token))
        {
            return app;
        }

        var signature = new ForwardedForSignature(token);
        // KnownProxies and KnownIPNetworks keep their loopback defaults; the gateway sets one value, so one hop is read.
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = 1 };
        app.UseWhen(context => signature.IsSigned(context.Request.Headers), branch => branch.UseForwardedHeaders(forwarded));
        return app;
    }
}

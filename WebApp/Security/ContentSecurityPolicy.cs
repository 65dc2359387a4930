using WebApp.Extensions;

namespace WebApp.Security;

/// <summary>
/// Every page may run only the app's own scripts (and, with Clerk configured, Clerk's from its Frontend API), may post
/// forms only to itself and may not be framed; pages are never cached, since each shows one user's data.
/// </summary>
internal static class ContentSecurityPolicy
{
    private const string CloudflareChallenges = "https://challenges.cloudflare.com";

    public static string For(WebAppOptions options)
    {
        if (options.Clerk is not { } clerk)
        {
            return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                + "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";
        }

        // Clerk's components inject their styles, load avatars from img.clerk.com, and run bot protection in a Cloudflare frame.
        var fapi = clerk.FrontendApiOrigin;
        return $"default-src 'self'; script-src 'self' {fapi} {CloudflareChallenges}; style-src 'self' 'unsafe-inline'; "
            + $"img-src 'self' data: https://img.clerk.com; connect-src 'self' {fapi}; frame-src {CloudflareChallenges}; worker-src 'self' blob:; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";
    }

    public static IApplicationBuilder UseContentSecurityPolicy(this IApplicationBuilder app)
    {
        var policy = For(app.ApplicationServices.GetRequiredService<WebAppOptions>());
        return app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = policy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            if (!context.Request.Path.StartsWithSegments("/_framework") && !Path.HasExtension(context.Request.Path.Value))
            {
                headers.CacheControl = "no-store";
            }

            return next(context);
        });
    }
}

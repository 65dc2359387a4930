using Microsoft.AspNetCore.Http;

namespace Tenancy.Identity;

/// <summary>
/// Clerk's convention for browsers: the user's session JWT in the <c>__session</c> cookie on the app's own domain.
/// It is accepted like <c>Authorization: Bearer</c>, but a request that changes state with it must come from the
/// same origin (<c>Sec-Fetch-Site</c>, else <c>Origin</c>), since a browser attaches cookies to requests other sites start.
/// </summary>
public static class SessionCookie
{
    /// <summary>The cookie's name, as Clerk's browser SDK sets it.</summary>
    public const string Name = "__session";

    /// <summary>Why <paramref name="request"/>, authenticated by the cookie, must be refused as a possible cross-site request forgery; null when it may go on.</summary>
    /// <param name="request">The incoming request.</param>
    /// <returns>The reason, or null.</returns>
    public static string? CrossSiteRefusal(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
        {
            return null;
        }

        // Browsers since 2020-2023 send Sec-Fetch-Site on every request; it cannot be set by a page.
        string? fetchSite = request.Headers["Sec-Fetch-Site"];
        if (!string.IsNullOrEmpty(fetchSite))
        {
            return string.Equals(fetchSite, "same-origin", StringComparison.OrdinalIgnoreCase) ? null : CrossSite(fetchSite);
        }

        string? origin = request.Headers.Origin;
        if (!string.IsNullOrEmpty(origin))
        {
            // Behind the gateway the browser's host arrives as X-Forwarded-Host, which a cross-site form cannot set.
            var host = request.Headers["X-Forwarded-Host"].FirstOrDefault() ?? request.Host.Value;
            return Uri.TryCreate(origin, UriKind.Absolute, out var from) && string.Equals(from.Authority, host, StringComparison.OrdinalIgnoreCase)
                ? null
                : CrossSite(origin);
        }

        return "A request that changes data with the __session cookie must carry Origin or Sec-Fetch-Site (every browser sends them); "
            + "clients other than browsers send the token as 'Authorization: Bearer'.";
    }

    private static string CrossSite(string from) =>
        $"A request from another site ({from}) cannot change data with the __session cookie; use the app's own pages.";
}

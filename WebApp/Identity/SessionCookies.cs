using Tenancy.Identity;

namespace WebApp.Identity;

/// <summary>Writes and removes the <see cref="SessionCookie"/>: script cannot read it, other sites' posts do not carry it.</summary>
internal static class SessionCookies
{
    public static void Write(HttpResponse response, string token, DateTimeOffset expires) =>
        response.Cookies.Append(SessionCookie.Name, token, Options(response.HttpContext.Request, expires));

    public static void Remove(HttpResponse response) =>
        response.Cookies.Delete(SessionCookie.Name, Options(response.HttpContext.Request, expires: null));

    // The user's JWT for the current request, which authentication has already validated.
    public static string? Read(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true ? context.Request.Cookies[SessionCookie.Name] : null;

    private static CookieOptions Options(HttpRequest request, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}

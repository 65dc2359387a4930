using Microsoft.AspNetCore.Antiforgery;

namespace WebApp.Identity;

/// <summary><c>POST /signout</c>: removes the session cookie (Clerk mode: after Clerk's own sign-out in the browser).</summary>
internal static class SignOutApi
{
    public static IEndpointRouteBuilder MapSignOut(this IEndpointRouteBuilder app)
    {
        app.MapPost("/signout", SignOutAsync).WithName("SignOut").AllowAnonymous();
        return app;
    }

    public static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery)
    {
        // A sign-out another site triggers is a nuisance, not a breach, but it is refused like every other forged form.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.Problem("The sign-out form has expired; reload the page and try again.", statusCode: StatusCodes.Status400BadRequest);
        }

        SessionCookies.Remove(context.Response);
        return TypedResults.Redirect(SignInRedirectHandler.SignInPath);
    }
}

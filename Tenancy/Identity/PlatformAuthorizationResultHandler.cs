using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Tenancy.Identity;

/// <summary>
/// Says why a call that needs the platform API token was refused: 503 while <c>PLATFORM_API_TOKEN</c> is not set,
/// else the challenge or refusal of <see cref="TenantAuthenticationHandler"/> with a reason about the platform token.
/// Every other policy's refusals are the framework's.
/// </summary>
internal sealed class PlatformAuthorizationResultHandler(TenantIdentityOptions options) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded || !policy.Requirements.OfType<PlatformCallerRequirement>().Any())
        {
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }

        if (options.PlatformApiTokenDigest is null)
        {
            return ErrorBody.WriteAsync(context.Response, StatusCodes.Status503ServiceUnavailable,
                "the platform API is disabled: PLATFORM_API_TOKEN is not configured on this service", context.RequestAborted);
        }

        if (authorizeResult.Forbidden)
        {
            return context.ForbidAsync(TenantAuthenticationDefaults.Scheme,
                TenantAuthenticationHandler.Explained("only the platform API token opens the platform API; a user, database or group token does not"));
        }

        var bearer = context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        return context.ChallengeAsync(TenantAuthenticationDefaults.Scheme, TenantAuthenticationHandler.Explained(bearer
            ? "invalid platform API token"
            : "missing platform API token: send 'Authorization: Bearer <PLATFORM_API_TOKEN>'"));
    }
}

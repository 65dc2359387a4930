using Microsoft.AspNetCore.Authorization;

namespace Tenancy.Identity;

/// <summary>Only the caller that presented the platform API token, which <see cref="TenantAuthenticationHandler"/> recognises.</summary>
internal sealed class PlatformCallerRequirement : AuthorizationHandler<PlatformCallerRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PlatformCallerRequirement requirement)
    {
        if (context.User.IsPlatformCaller())
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

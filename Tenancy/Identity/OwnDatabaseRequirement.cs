using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Tenancy.Identity;

/// <summary>The platform caller may use any database; a user only the one named by their own token.</summary>
internal sealed class OwnDatabaseRequirement : AuthorizationHandler<OwnDatabaseRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OwnDatabaseRequirement requirement)
    {
        if (context.User.IsPlatformCaller())
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        var httpContext = context.Resource as HttpContext;
        var requested = httpContext?.GetRouteValue(TenantPolicies.DatabaseRouteValue) as string;
        var own = context.User.GetTenantDatabase();
        if (own is not null && string.Equals(requested, own, StringComparison.Ordinal))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Tenancy.Identity;

/// <summary>
/// The route's database must be one the caller may use (<see cref="TenantClaims.AccessTo"/>): any for the platform caller,
/// a user's own or active organization's, a database token's, a group token's group's. Read-only access passes here;
/// writes are refused where SQL runs.
/// </summary>
internal sealed class OwnDatabaseRequirement(IEnumerable<IDatabaseGroups> groups) : AuthorizationHandler<OwnDatabaseRequirement>, IAuthorizationRequirement
{
    private readonly Func<string, string?>? _groupOf = groups.FirstOrDefault() is { } known ? known.GroupOf : null;

    // Registered as a policy requirement too, where no groups are needed: only the handler instance checks.
    public OwnDatabaseRequirement() : this([])
    {
    }

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OwnDatabaseRequirement requirement)
    {
        var requested = (context.Resource as HttpContext)?.GetRouteValue(TenantPolicies.DatabaseRouteValue) as string;
        if (context.User.AccessTo(requested, _groupOf) != DatabaseAccess.None)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

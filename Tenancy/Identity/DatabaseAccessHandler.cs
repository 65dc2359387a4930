using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Tenancy.Identity;

/// <summary>
/// Decides <see cref="OwnDatabaseRequirement"/>: the caller has some access to the route's database. Read-only access passes
/// here; writes are refused where SQL runs. A group token is checked against the database's group where this service knows
/// it (<see cref="IDatabaseGroups"/>, tenantservice); elsewhere it passes on to tenantservice, which decides.
/// </summary>
internal sealed class DatabaseAccessHandler(IEnumerable<IDatabaseGroups> groups) : AuthorizationHandler<OwnDatabaseRequirement>
{
    private readonly Func<string, string?>? _groupOf = groups.FirstOrDefault() is { } known ? known.GroupOf : null;

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

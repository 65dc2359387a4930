using System.Security.Claims;
using Tenancy.Identity;

namespace TenantService.Apis;

/// <summary><c>GET /dump.sql</c>: the signed-in user's own database as SQL text ("Download my data").</summary>
internal static class OwnDumpApi
{
    public static IEndpointRouteBuilder MapOwnDumpApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dump.sql", (ClaimsPrincipal user, HttpContext context, [AsParameters] DatabaseServices services) =>
                DatabasesApi.DumpDatabase(user.GetTenantDatabase()!, context, services))
            .RequireAuthorization(TenantPolicies.User)
            .WithName("DumpOwnDatabase");
        return app;
    }
}

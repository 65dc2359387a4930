using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.Connections;
using Tenancy.Identity;
using TodoService.Todos;

namespace TodoService.Apis;

/// <summary><c>GET /api/me</c>: who the caller is and how their database is doing.</summary>
public static class MeApi
{
    /// <summary>Maps <c>/api/me</c>.</summary>
    public static IEndpointRouteBuilder MapMeApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("api/me", GetMe).RequireAuthorization(TenantPolicies.User).WithName("GetMe");
        return app;
    }

    /// <summary>The user id, their database name, its status and schema version.</summary>
    public static async Task<Ok<MeResponse>> GetMe([AsParameters] TodoServices services)
    {
        var userId = services.User.GetUserId() ?? string.Empty;
        var access = await services.AcquireAsync(TenantAccessMode.Read);
        using var session = access.Session;
        var status = access.Status switch
        {
            TenantAccessStatus.Granted => session!.Tenant.BlockWrites ? "migrating" : "ready",
            TenantAccessStatus.NotFound => "missing",
            _ => "blocked",
        };

        return TypedResults.Ok(new MeResponse(userId, services.Database.Value, status, session?.Tenant.Version));
    }
}

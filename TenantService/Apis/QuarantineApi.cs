using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.Identity;
using TenantService.Databases;

namespace TenantService.Apis;

/// <summary>
/// <c>GET /v1/organizations/{org}/quarantine</c>: the database files set aside at start because platform.db had no
/// record of them, so an operator sees them without reading logs. Platform token only, like the rest of <c>/v1</c>.
/// </summary>
internal static class QuarantineApi
{
    public static RouteGroupBuilder MapQuarantineApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/organizations/{org}/quarantine")
            .RequireAuthorization(TenantPolicies.Platform)
            .AddEndpointFilter<OrganizationFilter>()
            .WithTags("Quarantine");

        api.MapGet("/", ListQuarantine).WithName("ListQuarantine");
        return api;
    }

    public static Ok<QuarantineListResponse> ListQuarantine(Quarantine quarantine) =>
        TypedResults.Ok(new QuarantineListResponse(quarantine.List().Select(QuarantinedFileView.Of).ToList()));
}

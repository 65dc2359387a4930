using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy;
using Tenancy.Databases;
using Tenancy.Identity;
using TenantService.Apis;
using TenantService.Catalog;

namespace TenantService.Tokens;

/// <summary>
/// The Turso Platform API's token calls: mint a database token (<c>POST .../databases/{name}/auth/tokens</c>) or a group
/// token (<c>POST .../groups/{group}/auth/tokens</c>), <c>?expiration=2w&amp;authorization=full-access|read-only</c>, and
/// rotate either (<c>.../auth/rotate</c>). Platform token only; the tokens themselves open libSQL only.
/// </summary>
internal static class TokensApi
{
    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var organization = app.MapGroup("/v1/organizations/{org}")
            .RequireAuthorization(TenantPolicies.Platform)
            .AddEndpointFilter<OrganizationFilter>()
            .WithTags("Tokens");

        var database = organization.MapGroup("/databases/{name}/auth").AddEndpointFilter<DatabaseNameFilter>();
        database.MapPost("/tokens", CreateDatabaseToken).WithName("CreateDatabaseToken");
        database.MapPost("/rotate", RotateDatabaseTokens).WithName("RotateDatabaseTokens");

        var group = organization.MapGroup("/groups/{group}/auth");
        group.MapPost("/tokens", CreateGroupToken).WithName("CreateGroupToken");
        group.MapPost("/rotate", RotateGroupTokens).WithName("RotateGroupTokens");
        return app;
    }

    public static Results<JsonHttpResult<TokenResponse>, BadRequest<ErrorBody>, NotFound<ErrorBody>, JsonHttpResult<ErrorBody>> CreateDatabaseToken(
        string name, string? expiration, string? authorization, [AsParameters] TokenServices services)
    {
        if (services.Catalog.Find(DatabaseName.Parse(name)) is not { } entry)
        {
            return TypedResults.NotFound(new ErrorBody($"database '{name}' not found"));
        }

        return Mint(entry.Name.Value, entry.Group, expiration, authorization, services);
    }

    public static Results<JsonHttpResult<TokenResponse>, BadRequest<ErrorBody>, NotFound<ErrorBody>, JsonHttpResult<ErrorBody>> CreateGroupToken(
        string group, string? expiration, string? authorization, [AsParameters] TokenServices services)
    {
        if (!DatabaseName.TryCreate(group, out _, out var error))
        {
            return TypedResults.BadRequest(new ErrorBody($"group: {error}"));
        }

        if (group != DatabaseEntry.DefaultGroup && services.Catalog.List(new DatabaseFilter(Group: group)).Count == 0)
        {
            return TypedResults.NotFound(new ErrorBody($"group '{group}' not found: no database belongs to it; create one with {{\"name\": ..., \"group\": \"{group}\"}}"));
        }

        return Mint(null, group, expiration, authorization, services);
    }

    public static async Task<Results<JsonHttpResult<RotationResponse>, NotFound<ErrorBody>>> RotateDatabaseTokens(string name, [AsParameters] TokenServices services)
    {
        // A deleted database's tokens may still be rotated: a new database of that name must not honour them.
        var rotatedAt = await services.Rotator.RotateAsync(DatabaseTokens.DatabaseScope(DatabaseName.Parse(name).Value));
        return TypedResults.Json(new RotationResponse(rotatedAt), TokensJsonContext.Default.RotationResponse);
    }

    public static async Task<Results<JsonHttpResult<RotationResponse>, BadRequest<ErrorBody>>> RotateGroupTokens(string group, [AsParameters] TokenServices services)
    {
        if (!DatabaseName.TryCreate(group, out _, out var error))
        {
            return TypedResults.BadRequest(new ErrorBody($"group: {error}"));
        }

        var rotatedAt = await services.Rotator.RotateAsync(DatabaseTokens.GroupScope(group));
        return TypedResults.Json(new RotationResponse(rotatedAt), TokensJsonContext.Default.RotationResponse);
    }

    private static Results<JsonHttpResult<TokenResponse>, BadRequest<ErrorBody>, NotFound<ErrorBody>, JsonHttpResult<ErrorBody>> Mint(
        string? database, string group, string? expiration, string? authorization, TokenServices services)
    {
        if (!TokenExpiration.TryParse(expiration, out var lifetime))
        {
            return TypedResults.BadRequest(new ErrorBody($"{TokenExpiration.Rule}; got '{Shorten(expiration)}'"));
        }

        if (authorization is not (null or DatabaseTokens.FullAccess or DatabaseTokens.ReadOnly))
        {
            return TypedResults.BadRequest(new ErrorBody(
                $"'authorization' is '{DatabaseTokens.FullAccess}' (the default) or '{DatabaseTokens.ReadOnly}'; got '{Shorten(authorization)}'"));
        }

        if (!services.Issuer.IsConfigured)
        {
            return TypedResults.Json(new ErrorBody("database tokens are disabled: DATABASE_TOKEN_SIGNING_KEY is not configured on this service; the AppHost generates it"),
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var expiresAt = lifetime is { } span ? services.Time.GetUtcNow() + span : (DateTimeOffset?)null;
        var jwt = services.Issuer.Issue(new DatabaseTokenGrant(database, group, authorization == DatabaseTokens.ReadOnly, expiresAt));
        return TypedResults.Json(new TokenResponse(jwt), TokensJsonContext.Default.TokenResponse);
    }

    private static string Shorten(string? value) => value is { Length: > 40 } ? value[..40] + "..." : value ?? "";
}

/// <summary>What the token calls need, bound with <c>[AsParameters]</c>.</summary>
internal sealed record TokenServices(DatabaseCatalog Catalog, DatabaseTokenIssuer Issuer, TokenRotator Rotator, TimeProvider Time);

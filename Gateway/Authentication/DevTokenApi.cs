using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy;
using Tenancy.Databases;

namespace Gateway.Authentication;

/// <summary>
/// <c>POST /dev/token</c>: a one-hour session token for any user id, only while no real issuer is configured; with
/// <c>org_id</c> the organization is active, with <c>org_role</c> (default <c>org:member</c>) as Clerk's v1 claims, or
/// as v2's <c>o</c> claim when <c>"v": 2</c>.
/// </summary>
internal static partial class DevTokenApi
{
    private const int MaxIdLength = 256;

    public static IEndpointRouteBuilder MapDevTokenApi(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<DevTokenIssuer>().IsEnabled)
        {
            LogDevIssuerActive(app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DevTokenApi)));
        }

        app.MapPost("/dev/token", IssueToken)
            .WithName("IssueDevToken")
            .AllowAnonymous();
        return app;
    }

    public static Results<Ok<DevTokenResponse>, NotFound, BadRequest<ErrorBody>, JsonHttpResult<ErrorBody>> IssueToken(
        DevTokenRequest request, DevTokenIssuer issuer)
    {
        if (!issuer.IsEnabled)
        {
            // A real issuer is configured: the endpoint does not exist.
            return TypedResults.NotFound();
        }

        if (!issuer.HasSigningKey)
        {
            return TypedResults.Json(new ErrorBody("DEV_JWT_SIGNING_KEY is not set; start the system with the AppHost, which generates it."),
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var problem = Problem(request.Sub, "sub", required: true)
            ?? Problem(request.OrgId, "org_id", required: false)
            ?? Problem(request.Azp, "azp", required: false)
            ?? Problem(request.OrgRole, "org_role", required: false)
            ?? Problem(request.OrgSlug, "org_slug", required: false)
            ?? (request.OrgId is null && (request.OrgRole ?? request.OrgSlug) is not null ? "'org_role' and 'org_slug' need 'org_id', the active organization." : null)
            ?? (request.OrgRole is { } role && !role.StartsWith("org:", StringComparison.Ordinal) ? "'org_role' is written as Clerk names roles, e.g. org:admin or org:member." : null)
            ?? (request.Version is not (null or 1 or 2) ? "'v' is 1 (org_id, org_role claims) or 2 (the 'o' claim), Clerk's session token versions." : null);
        if (problem is not null)
        {
            return TypedResults.BadRequest(new ErrorBody(problem));
        }

        var organization = request.OrgId is null ? null : new DevOrganization(request.OrgId, request.OrgRole ?? "org:member", request.OrgSlug, request.Version ?? 1);
        var token = issuer.Issue(request.Sub!, organization, request.Azp);
        return TypedResults.Ok(new DevTokenResponse(token.Token, token.ExpiresAt, TenantId.FromClerkId(request.Sub!).Value,
            request.OrgId is null ? null : TenantId.FromClerkId(request.OrgId).Value));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dev issuer active: POST /dev/token signs in as any user id. Set CLERK_ISSUER or CLERK_JWT_KEY for real users.")]
    private static partial void LogDevIssuerActive(ILogger logger);

    private static string? Problem(string? value, string field, bool required) => value switch
    {
        null when required => $"'{field}' is required, e.g. {{\"{field}\": \"user_123\"}}.",
        null => null,
        { Length: 0 or > MaxIdLength } => $"'{field}' must be 1-{MaxIdLength} characters.",
        _ when value.Any(char.IsControl) => $"'{field}' must not contain control characters.",
        _ => null,
    };
}

/// <summary>The body of <c>POST /dev/token</c>.</summary>
internal sealed record DevTokenRequest(
    [property: JsonPropertyName("sub")] string? Sub,
    [property: JsonPropertyName("org_id")] string? OrgId,
    [property: JsonPropertyName("azp")] string? Azp,
    [property: JsonPropertyName("org_role")] string? OrgRole = null,
    [property: JsonPropertyName("org_slug")] string? OrgSlug = null,
    [property: JsonPropertyName("v")] int? Version = null);

/// <summary>A dev token, when it expires, the user's database name and, with an active organization, the organization's.</summary>
internal sealed record DevTokenResponse(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("database")] string Database,
    [property: JsonPropertyName("org_database")] string? OrganizationDatabase = null);

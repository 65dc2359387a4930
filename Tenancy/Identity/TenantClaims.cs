using System.Security.Claims;

namespace Tenancy.Identity;

/// <summary>Claim types and roles that <see cref="TenantAuthenticationDefaults.Scheme"/> puts on the signed-in caller.</summary>
public static class TenantClaims
{
    /// <summary>The Clerk user id (the token's <c>sub</c>).</summary>
    public const string UserId = "sub";

    /// <summary>The Clerk organization id (the token's optional <c>org_id</c>).</summary>
    public const string OrganizationId = "org_id";

    /// <summary>The name of the signed-in user's own database: the lowercase hex MD5 of <see cref="UserId"/>.</summary>
    public const string Database = "tenant_db";

    /// <summary>The role of a caller that presented the platform API token.</summary>
    public const string PlatformRole = "platform";

    /// <summary>The signed-in user's own database name, or null for a platform or anonymous caller.</summary>
    public static string? GetTenantDatabase(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.FindFirst(Database)?.Value;
    }

    /// <summary>The Clerk user id of the signed-in user, or null for a platform or anonymous caller.</summary>
    public static string? GetUserId(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.FindFirst(UserId)?.Value;
    }

    /// <summary>Whether the caller presented the platform API token.</summary>
    public static bool IsPlatformCaller(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.IsInRole(PlatformRole);
    }
}

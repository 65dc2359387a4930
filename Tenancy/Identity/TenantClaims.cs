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

    /// <summary>The organization role of the signed-in user in <see cref="OrganizationId"/> (Clerk's <c>org_role</c>, or <c>org:</c> + <c>o.rol</c>).</summary>
    public const string OrganizationRole = "org_role";

    /// <summary>The database of the user's active organization: the lowercase hex MD5 of <see cref="OrganizationId"/>.</summary>
    public const string OrganizationDatabase = "org_db";

    /// <summary>What the user's organization role allows on <see cref="OrganizationDatabase"/>: <see cref="DatabaseTokens.FullAccess"/> or <see cref="DatabaseTokens.ReadOnly"/>.</summary>
    public const string OrganizationAccess = "org_access";

    /// <summary>The database a database token opens.</summary>
    public const string TokenDatabase = "token_db";

    /// <summary>The group a group token opens.</summary>
    public const string TokenGroup = "token_group";

    /// <summary>What a database or group token allows: <see cref="DatabaseTokens.FullAccess"/> or <see cref="DatabaseTokens.ReadOnly"/>.</summary>
    public const string TokenAccess = "token_access";

    /// <summary>The id (<c>jti</c>) of a database or group token.</summary>
    public const string TokenId = "jti";

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

    /// <summary>Whether the caller presented a database or group token.</summary>
    public static bool IsDatabaseTokenCaller(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.HasClaim(claim => claim.Type == TokenAccess);
    }

    /// <summary>
    /// What the caller may do with <paramref name="database"/>: the platform caller anything; a user their own database,
    /// and their active organization's as their role allows; a database token its database, a group token the databases
    /// of its group, each as issued. <paramref name="groupOf"/> names a database's group, or null where it is not known
    /// here (the gateway), in which case a group token passes and tenantservice decides.
    /// </summary>
    /// <param name="principal">The caller.</param>
    /// <param name="database">The database the request names.</param>
    /// <param name="groupOf">The group of a database, or null when unknown.</param>
    /// <returns>The access.</returns>
    public static DatabaseAccess AccessTo(this ClaimsPrincipal principal, string? database, Func<string, string?>? groupOf = null)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.IsPlatformCaller())
        {
            return DatabaseAccess.ReadWrite;
        }

        if (string.IsNullOrEmpty(database))
        {
            return DatabaseAccess.None;
        }

        if (principal.FindFirst(TokenAccess)?.Value is { } tokenAccess)
        {
            var opens = principal.FindFirst(TokenDatabase)?.Value is { } tokenDatabase
                ? string.Equals(tokenDatabase, database, StringComparison.Ordinal)
                : principal.FindFirst(TokenGroup)?.Value is { } group && (groupOf?.Invoke(database) is not { } actual || string.Equals(actual, group, StringComparison.Ordinal));
            return !opens ? DatabaseAccess.None : Access(tokenAccess);
        }

        if (string.Equals(principal.GetTenantDatabase(), database, StringComparison.Ordinal))
        {
            return DatabaseAccess.ReadWrite;
        }

        return string.Equals(principal.FindFirst(OrganizationDatabase)?.Value, database, StringComparison.Ordinal)
            ? Access(principal.FindFirst(OrganizationAccess)?.Value)
            : DatabaseAccess.None;
    }

    private static DatabaseAccess Access(string? value) =>
        value == DatabaseTokens.FullAccess ? DatabaseAccess.ReadWrite : DatabaseAccess.ReadOnly;

    /// <summary>Whether the caller presented the platform API token.</summary>
    public static bool IsPlatformCaller(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.IsInRole(PlatformRole);
    }
}

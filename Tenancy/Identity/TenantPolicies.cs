namespace Tenancy.Identity;

/// <summary>Authorization policies registered by <see cref="TenantAuthenticationExtensions.AddTenantAuthentication{TBuilder}"/>.</summary>
public static class TenantPolicies
{
    /// <summary>A signed-in user with a tenant database (a valid session token).</summary>
    public const string User = "TenantUser";

    /// <summary>
    /// A caller with the platform API token. Refusals say so: 401 without it or with a wrong one, 403 for a user
    /// token, 503 while <c>PLATFORM_API_TOKEN</c> is not set.
    /// </summary>
    public const string Platform = "Platform";

    /// <summary>
    /// The platform token for any database; a user token for the user's own database and their active organization's;
    /// a database token for its database, a group token for its group's databases (<see cref="TenantClaims.AccessTo"/>
    /// on the route value <see cref="DatabaseRouteValue"/>), else 403.
    /// </summary>
    public const string DatabaseAccess = "DatabaseAccess";

    /// <summary>The route value that names the database in <see cref="DatabaseAccess"/> routes (<c>/db/{name}/...</c>).</summary>
    public const string DatabaseRouteValue = "name";
}

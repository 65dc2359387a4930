namespace Tenancy.Identity;

/// <summary>Names of the authentication scheme every service shares.</summary>
public static class TenantAuthenticationDefaults
{
    /// <summary>The scheme that accepts user session tokens and the platform API token.</summary>
    public const string Scheme = "TenantBearer";

    /// <summary>The <c>realm</c> in <c>WWW-Authenticate</c> challenges.</summary>
    public const string Realm = "tenant-platform";
}

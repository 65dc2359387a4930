using Microsoft.AspNetCore.Http;

namespace Tenancy.Identity;

/// <summary>
/// The headers the gateway uses to pass the resolved tenant on to the services. Clients can
/// send them too, so the gateway strips every header with <see cref="Prefix"/>, and a service
/// accepts them only when they agree with the bearer token it validated itself.
/// </summary>
public static class TenantHeaders
{
    /// <summary>Every header whose name starts with this is the gateway's; client copies are removed.</summary>
    public const string Prefix = "X-Tenant-";

    /// <summary>The tenant id: the lowercase hex MD5 of the Clerk user id (the token's <c>sub</c>).</summary>
    public const string TenantId = "X-Tenant-Id";

    /// <summary>The name of the signed-in user's own database (today the same value as <see cref="TenantId"/>).</summary>
    public const string Database = "X-Tenant-Database";

    /// <summary>Removes every header that starts with <see cref="Prefix"/>; returns whether any was present.</summary>
    public static bool RemoveFrom(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        List<string>? found = null;
        foreach (var name in headers.Keys)
        {
            if (name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                (found ??= []).Add(name);
            }
        }

        if (found is null)
        {
            return false;
        }

        foreach (var name in found)
        {
            headers.Remove(name);
        }

        return true;
    }

    /// <summary>Whether any header starting with <see cref="Prefix"/> is present.</summary>
    public static bool AnyIn(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        foreach (var name in headers.Keys)
        {
            if (name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

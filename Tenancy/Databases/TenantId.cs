using System.Security.Cryptography;
using System.Text;

namespace Tenancy.Databases;

/// <summary>Maps identity-provider ids to the database that belongs to that user or organization.</summary>
public static class TenantId
{
    /// <summary>
    /// The database name of a Clerk user or organization: the lowercase hex MD5 of the UTF-8 id (32 characters).
    /// </summary>
    /// <param name="clerkId">The Clerk id (a JWT <c>sub</c>, a webhook <c>data.id</c>, or an org id).</param>
    /// <returns>The tenant's database name.</returns>
    /// <exception cref="ArgumentException">The id is null or empty.</exception>
    public static DatabaseName FromClerkId(string clerkId)
    {
        ArgumentException.ThrowIfNullOrEmpty(clerkId);
        Span<byte> hash = stackalloc byte[MD5.HashSizeInBytes];
        // MD5 names a database, it protects nothing: collisions need a chosen id and gain no access.
#pragma warning disable CA5351
        MD5.HashData(Encoding.UTF8.GetBytes(clerkId), hash);
#pragma warning restore CA5351
        return DatabaseName.Parse(Convert.ToHexStringLower(hash));
    }
}

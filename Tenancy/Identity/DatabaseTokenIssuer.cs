using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tenancy.Identity;

/// <summary>What a database or group token opens, for how long, and whether it may write.</summary>
/// <param name="Database">The one database it opens, or null for a group token.</param>
/// <param name="Group">The group it opens (a group token), or the group of <paramref name="Database"/>.</param>
/// <param name="ReadOnly">Whether writes are refused.</param>
/// <param name="ExpiresAt">When it stops working, or null for never (until a rotation).</param>
public sealed record DatabaseTokenGrant(string? Database, string Group, bool ReadOnly, DateTimeOffset? ExpiresAt);

/// <summary>
/// Signs database and group tokens (HS256, <c>DATABASE_TOKEN_SIGNING_KEY</c>). A token is never issued "before" a
/// rotation of its scopes that this service already knows, even within the same millisecond.
/// </summary>
public sealed class DatabaseTokenIssuer(TenantIdentityOptions options, TokenRotations rotations, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>Whether tokens can be issued: <c>DATABASE_TOKEN_SIGNING_KEY</c> is set.</summary>
    public bool IsConfigured => options.DatabaseTokenKey is not null;

    /// <summary>A signed token for <paramref name="grant"/>.</summary>
    /// <param name="grant">What it opens.</param>
    /// <returns>The compact JWT.</returns>
    /// <exception cref="InvalidOperationException"><c>DATABASE_TOKEN_SIGNING_KEY</c> is not set.</exception>
    public string Issue(DatabaseTokenGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var key = options.DatabaseTokenKey ?? throw new InvalidOperationException("DATABASE_TOKEN_SIGNING_KEY is not set.");
        var now = time.GetUtcNow();
        var issuedAt = Math.Max(now.ToUnixTimeMilliseconds(), Math.Max(
            rotations.NotBefore(DatabaseTokens.GroupScope(grant.Group)) ?? 0,
            grant.Database is null ? 0 : rotations.NotBefore(DatabaseTokens.DatabaseScope(grant.Database)) ?? 0));
        var claims = new Dictionary<string, object>
        {
            [DatabaseTokens.AccessClaim] = grant.ReadOnly ? DatabaseTokens.ReadOnlyClaimValue : DatabaseTokens.FullAccessClaimValue,
            [DatabaseTokens.GroupClaim] = grant.Group,
            [DatabaseTokens.IssuedAtMillisecondsClaim] = issuedAt,
            [JwtRegisteredClaimNames.Iat] = issuedAt / 1000,
            // Names the token in stream ownership and logs; never a secret.
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        };
        if (grant.Database is not null)
        {
            claims[DatabaseTokens.DatabaseClaim] = grant.Database;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = DatabaseTokens.Issuer,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        };
        if (grant.ExpiresAt is { } expires)
        {
            descriptor.Expires = expires.UtcDateTime;
        }

        return _handler.CreateToken(descriptor);
    }
}

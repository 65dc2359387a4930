using Microsoft.IdentityModel.JsonWebTokens;
using Tenancy.Databases;

namespace Tenancy.Identity;

/// <summary>The claims of a database or group token whose signature was checked, as the caller's identity and its revocation check.</summary>
internal sealed record DatabaseTokenClaims((string Type, string Value)[] Identity, TokenRevocationCheck Revocation)
{
    /// <summary>Null when a claim is missing or out of shape.</summary>
    public static DatabaseTokenClaims? Read(JsonWebToken token)
    {
        if (!token.TryGetPayloadValue<string>(DatabaseTokens.AccessClaim, out var access)
            || access is not (DatabaseTokens.FullAccessClaimValue or DatabaseTokens.ReadOnlyClaimValue)
            || !token.TryGetPayloadValue<string>(DatabaseTokens.GroupClaim, out var group) || string.IsNullOrEmpty(group)
            || !token.TryGetPayloadValue<long>(DatabaseTokens.IssuedAtMillisecondsClaim, out var issuedAt))
        {
            return null;
        }

        string? database = null;
        if (token.TryGetPayloadValue<string>(DatabaseTokens.DatabaseClaim, out var id))
        {
            if (!DatabaseName.TryCreate(id, out var name, out _))
            {
                return null;
            }

            database = name.Value;
        }

        List<(string, string)> claims =
        [
            (TenantClaims.TokenAccess, access == DatabaseTokens.ReadOnlyClaimValue ? DatabaseTokens.ReadOnly : DatabaseTokens.FullAccess),
            database is null ? (TenantClaims.TokenGroup, group) : (TenantClaims.TokenDatabase, database),
        ];
        if (token.TryGetPayloadValue<string>(TenantClaims.TokenId, out var jti) && !string.IsNullOrEmpty(jti))
        {
            claims.Add((TenantClaims.TokenId, jti));
        }

        return new DatabaseTokenClaims([.. claims], new TokenRevocationCheck(database, group, issuedAt));
    }
}

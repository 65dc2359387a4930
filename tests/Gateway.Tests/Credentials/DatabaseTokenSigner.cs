using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Credentials;

/// <summary>Database tokens made the way the wire format says, independently of the platform's issuer: expired ones, forged ones.</summary>
internal static class DatabaseTokenSigner
{
    public static string Sign(string algorithm, string key, string database, DateTime issuedAt, DateTime expires, bool keyId = true)
    {
        var bytes = Base64UrlEncoder.DecodeBytes(key.Replace('+', '-').Replace('/', '_').TrimEnd('='));
        var signingKey = new SymmetricSecurityKey(bytes);
        if (keyId)
        {
            signingKey.KeyId = Base64UrlEncoder.Encode(SHA256.HashData(bytes))[..16];
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "urn:tenant-platform:database-token",
            IssuedAt = issuedAt,
            Expires = expires,
            Claims = new Dictionary<string, object>
            {
                ["a"] = "rw",
                ["id"] = database,
                ["gid"] = "default",
                ["iat_ms"] = new DateTimeOffset(issuedAt).ToUnixTimeMilliseconds(),
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = new SigningCredentials(signingKey, algorithm),
        });
    }
}

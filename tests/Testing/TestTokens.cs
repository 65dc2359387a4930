using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tenancy.Identity;

namespace Testing;

/// <summary>User session tokens as the gateway's dev issuer signs them, made independently of the gateway's code.</summary>
public static class TestTokens
{
    public static string NewSigningKeyPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    public static string For(string userId, string signingKeyPem, TimeSpan? lifetime = null)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(signingKeyPem);
        var key = new RsaSecurityKey(rsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = DevIssuer.Issuer,
            Subject = new ClaimsIdentity([new Claim("sub", userId)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromHours(1)),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>The user's database name: lowercase hex MD5 of the user id.</summary>
    public static string DatabaseOf(string userId) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(userId)));
}

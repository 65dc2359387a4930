using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tenancy.Identity;

namespace Benchmarks;

/// <summary>
/// Session tokens as the gateway's dev issuer signs them (RS256, iss <see cref="DevIssuer.Issuer"/>, kid the key's
/// RFC 7638 thumbprint, <c>sub</c> and <c>sid</c>), all minted before the load so signing is never timed.
/// </summary>
internal static class UserTokens
{
    /// <summary>One token per user, <c>tokens[i]</c> for <paramref name="userIdOf"/>(i), valid for <see cref="DevIssuer.TokenLifetime"/>.</summary>
    public static string[] Mint(string signingKeyPem, int count, Func<int, string> userIdOf)
    {
        var now = DateTime.UtcNow;
        var tokens = new string[count];
        var handler = new JsonWebTokenHandler();
        var credentials = new SigningCredentials(DevIssuer.ReadSigningKey(signingKeyPem), SecurityAlgorithms.RsaSha256);
        // IdentityModel pools the RSA signers behind one key, so both cores can sign at once.
        Parallel.For(0, count, index => tokens[index] = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = DevIssuer.Issuer,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + DevIssuer.TokenLifetime,
            Claims = new Dictionary<string, object> { ["sub"] = userIdOf(index), ["sid"] = $"sess_bench_{index}" },
            SigningCredentials = credentials,
        }));
        return tokens;
    }
}

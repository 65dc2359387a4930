using Microsoft.IdentityModel.Tokens;

namespace Tenancy.Identity;

/// <summary>
/// The gateway's stand-in for Clerk in the Development environment when neither <c>CLERK_ISSUER</c> nor <c>CLERK_JWT_KEY</c> is set:
/// it signs RS256 tokens with <c>DEV_JWT_SIGNING_KEY</c>, and every service validates them with the
/// public half of that key through the same code as real Clerk tokens.
/// </summary>
public static class DevIssuer
{
    /// <summary>The <c>iss</c> of dev tokens: a URN, so it can never collide with a real Clerk issuer URL.</summary>
    public const string Issuer = "urn:tenant-platform:dev";

    /// <summary>How long a dev token is valid.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// Reads the PKCS#8 (or PKCS#1) PEM private key; its <c>kid</c> is the key's RFC 7638 SHA-256
    /// thumbprint, base64url, so a new key gets a new <c>kid</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The text is not a PEM RSA private key.</exception>
    public static RsaSecurityKey ReadSigningKey(string privateKeyPem)
    {
        ArgumentNullException.ThrowIfNull(privateKeyPem);
        return SigningKeys.TryReadPrivateKey(privateKeyPem, out var key)
            ? key
            : throw new ArgumentException("DEV_JWT_SIGNING_KEY is not a PEM RSA private key.", nameof(privateKeyPem));
    }
}

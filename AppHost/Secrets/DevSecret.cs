using System.Buffers.Text;
using System.Security.Cryptography;

namespace AppHost.Secrets;

/// A secret generated on first run for local development; a setting of the same name overrides it.
internal sealed record DevSecret(string Name, Func<string> Generate)
{
    public static IReadOnlyList<DevSecret> All { get; } =
    [
        new("PLATFORM_API_TOKEN", () => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))),
        new("CLERK_WEBHOOK_SECRET", () => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))),
        // The gateway's dev issuer signs with it; services validate with its public half. Unused once CLERK_ISSUER or CLERK_JWT_KEY is set.
        new("DEV_JWT_SIGNING_KEY", NewRsaKeyPem),
        // HS256 key of database and group tokens (POST .../auth/tokens); replacing it ends every token issued so far.
        new("DATABASE_TOKEN_SIGNING_KEY", () => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))),
    ];

    private static string NewRsaKeyPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }
}

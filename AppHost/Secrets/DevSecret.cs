using System.Buffers.Text;
using System.Security.Cryptography;

namespace AppHost.Secrets;

/// A secret generated on first run for local development; a setting of the same name overrides it.
internal sealed record DevSecret(string Name, Func<string> Generate)
{
    /// The secrets every service is given.
    public static IReadOnlyList<DevSecret> All { get; } =
    [
        new("PLATFORM_API_TOKEN", NewToken),
        new("CLERK_WEBHOOK_SECRET", () => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))),
        // The gateway's dev issuer signs with it; services validate with its public half. Unused once CLERK_ISSUER or CLERK_JWT_KEY is set.
        new("DEV_JWT_SIGNING_KEY", NewRsaKeyPem),
        // HS256 key of database and group tokens (POST .../auth/tokens); replacing it ends every token issued so far.
        new("DATABASE_TOKEN_SIGNING_KEY", NewToken),
    ];

    /// The storage node's own PLATFORM_API_TOKEN (STORAGE_NODE=true), given only to it and to the services that reach it.
    public static DevSecret StorageNodeToken { get; } = new("STORAGE_NODE_API_TOKEN", NewToken);

    private static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static string NewRsaKeyPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }
}

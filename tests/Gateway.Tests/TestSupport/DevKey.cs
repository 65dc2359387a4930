using System.Security.Cryptography;

namespace Gateway.Tests.TestSupport;

/// <summary>A DEV_JWT_SIGNING_KEY as the AppHost would generate it: PKCS#8 PEM.</summary>
internal static class DevKey
{
    public static readonly string Pem = Create();

    public static string Create()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Tenancy.Identity;

/// <summary>Reads RSA keys from PEM text, keyed by their RFC 7638 thumbprint.</summary>
internal static class SigningKeys
{
    public static bool TryReadPublicKey(string pem, [NotNullWhen(true)] out RsaSecurityKey? key)
    {
        key = null;
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(Normalize(pem));
            key = WithThumbprintKeyId(rsa.ExportParameters(includePrivateParameters: false));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public static bool TryReadPrivateKey(string pem, [NotNullWhen(true)] out RsaSecurityKey? key)
    {
        key = null;
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(Normalize(pem));
            var parameters = rsa.ExportParameters(includePrivateParameters: true);
            var keyId = WithThumbprintKeyId(rsa.ExportParameters(includePrivateParameters: false)).KeyId;
            key = new RsaSecurityKey(parameters) { KeyId = keyId };
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static RsaSecurityKey WithThumbprintKeyId(RSAParameters publicParameters)
    {
        var key = new RsaSecurityKey(publicParameters);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }

    // Environment variables set from one-line sources often carry the PEM's newlines as "\n".
    private static string Normalize(string pem) => pem.Replace("\\n", "\n", StringComparison.Ordinal).Trim();
}

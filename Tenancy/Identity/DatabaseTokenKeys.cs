using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Tenancy.Identity;

/// <summary>Reads <c>DATABASE_TOKEN_SIGNING_KEY</c>: base64url (or base64) of at least 32 bytes, HS256's key size.</summary>
internal static class DatabaseTokenKeys
{
    public const int MinimumBytes = 32;

    public static bool TryRead(string? text, [NotNullWhen(true)] out SymmetricSecurityKey? key)
    {
        key = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var normalized = text.Trim().Replace('+', '-').Replace('/', '_').TrimEnd('=');
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(normalized);
        }
        catch (FormatException)
        {
            return false;
        }

        if (bytes.Length < MinimumBytes)
        {
            return false;
        }

        // The kid names the key without revealing it: a token signed with a replaced key is refused naming that.
        key = new SymmetricSecurityKey(bytes) { KeyId = Base64Url.EncodeToString(SHA256.HashData(bytes))[..16] };
        return true;
    }
}

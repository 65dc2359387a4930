using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Tenancy.Identity;

/// <summary>
/// Proves that an <c>X-Forwarded-For</c> header was set by the gateway: an HMAC-SHA256 of the header's value keyed
/// with the platform API token, which only the gateway and the services know. Services listen on loopback, where any
/// local process could send the header, so a service believes the client address only when the proof matches.
/// </summary>
public sealed class ForwardedForSignature
{
    /// <summary>The request header the gateway puts the proof in; a client's copy is replaced.</summary>
    public const string HeaderName = "X-Forwarded-For-Signature";

    /// <summary>The header whose value is signed.</summary>
    public const string ForwardedForHeader = "X-Forwarded-For";

    // Keeps these MACs apart from any other use of the same token.
    private static readonly byte[] Purpose = "X-Forwarded-For\n"u8.ToArray();

    private readonly byte[] _key;

    /// <summary>Signs and checks with <paramref name="platformApiToken"/> as the key.</summary>
    /// <param name="platformApiToken">The platform API token (<c>PLATFORM_API_TOKEN</c>).</param>
    public ForwardedForSignature(string platformApiToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(platformApiToken);
        _key = Encoding.UTF8.GetBytes(platformApiToken);
    }

    /// <summary>The proof for an <c>X-Forwarded-For</c> value, base64url.</summary>
    /// <param name="forwardedFor">The header's value exactly as sent.</param>
    /// <returns>The proof.</returns>
    public string Sign(string forwardedFor)
    {
        ArgumentNullException.ThrowIfNull(forwardedFor);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Compute(forwardedFor, mac);
        return Base64Url.EncodeToString(mac);
    }

    /// <summary>Whether the request's <c>X-Forwarded-For</c> carries the gateway's proof: one value, one matching signature.</summary>
    /// <param name="headers">The request's headers.</param>
    /// <returns>True only for a header the gateway set.</returns>
    public bool IsSigned(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (headers[HeaderName] is not [{ } signature] || headers[ForwardedForHeader] is not [{ } forwardedFor])
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Compute(forwardedFor, expected);
        Span<byte> presented = stackalloc byte[HMACSHA256.HashSizeInBytes + 3];
        return signature.Length <= 64
            && Base64Url.TryDecodeFromChars(signature, presented, out var written)
            && written == expected.Length
            && CryptographicOperations.FixedTimeEquals(expected, presented[..written]);
    }

    // Runs on every proxied request: an address fits on the stack, so nothing is allocated.
    private void Compute(string forwardedFor, Span<byte> mac)
    {
        var length = Purpose.Length + Encoding.UTF8.GetByteCount(forwardedFor);
        Span<byte> message = length <= 256 ? stackalloc byte[length] : new byte[length];
        Purpose.CopyTo(message);
        Encoding.UTF8.GetBytes(forwardedFor, message[Purpose.Length..]);
        HMACSHA256.HashData(_key, message, mac);
    }
}

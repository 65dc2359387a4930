using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TenantService.Webhooks;

/// <summary>
/// Checks a Svix-signed delivery on its raw body: HMAC-SHA256 with the base64-decoded <c>whsec_</c> secret
/// over <c>{id}.{timestamp}.{body}</c>; any of the space-separated <c>v1,&lt;base64&gt;</c> signatures may match
/// (compared in constant time); the timestamp must be within the tolerance either way. Reads the
/// <c>svix-*</c> headers, or the <c>webhook-*</c> ones of the Standard Webhooks spelling.
/// </summary>
internal sealed class SvixSignatureVerifier(ClerkWebhookOptions options, TimeProvider timeProvider)
{
    private const string SignatureVersion = "v1,";

    private readonly byte[]? key = options.SigningKey;

    public SvixVerification Verify(IHeaderDictionary headers, ReadOnlySpan<byte> body, out string? messageId)
    {
        messageId = Header(headers, "id");
        if (key is null)
        {
            return SvixVerification.SecretNotConfigured;
        }

        var timestamp = Header(headers, "timestamp");
        var signatures = Header(headers, "signature");
        if (messageId is null || timestamp is null || signatures is null)
        {
            return SvixVerification.MissingHeaders;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SvixVerification.InvalidTimestamp;
        }

        var now = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var tolerance = (long)options.TimestampTolerance.TotalSeconds;
        if (seconds < now - tolerance)
        {
            return SvixVerification.TimestampTooOld;
        }

        if (seconds > now + tolerance)
        {
            return SvixVerification.TimestampTooNew;
        }

        var expected = Sign(messageId, timestamp, body);
        Span<byte> candidate = stackalloc byte[HMACSHA256.HashSizeInBytes];
        foreach (var signature in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            // Other versions (v1a, asymmetric) are not ours to check; a malformed entry just does not match.
            if (signature.StartsWith(SignatureVersion, StringComparison.Ordinal)
                && Convert.TryFromBase64String(signature[SignatureVersion.Length..], candidate, out var written)
                && written == candidate.Length
                && CryptographicOperations.FixedTimeEquals(candidate, expected))
            {
                return SvixVerification.Valid;
            }
        }

        return SvixVerification.NoMatchingSignature;
    }

    private byte[] Sign(string messageId, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return HMACSHA256.HashData(key!, content);
    }

    private static string? Header(IHeaderDictionary headers, string name)
    {
        var value = headers["svix-" + name].ToString();
        if (value.Length == 0)
        {
            value = headers["webhook-" + name].ToString();
        }

        return value.Length == 0 ? null : value;
    }
}

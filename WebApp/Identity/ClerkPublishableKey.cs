using System.Text;

namespace WebApp.Identity;

/// <summary>
/// A Clerk publishable key: <c>pk_test_</c> or <c>pk_live_</c>, then base64 of the instance's Frontend API host and a
/// closing <c>$</c>. The browser SDK is loaded from that host.
/// </summary>
public sealed record ClerkPublishableKey(string Key, string FrontendApiHost)
{
    private static readonly string[] Prefixes = ["pk_test_", "pk_live_"];

    /// <summary>The origin scripts, API calls and images of Clerk come from, e.g. <c>https://clerk.example.com</c>.</summary>
    public string FrontendApiOrigin => "https://" + FrontendApiHost;

    /// <summary>Reads a key, or null when it is not one.</summary>
    public static ClerkPublishableKey? TryParse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var prefix = Prefixes.FirstOrDefault(prefix => key.StartsWith(prefix, StringComparison.Ordinal));
        if (prefix is null)
        {
            return null;
        }

        var encoded = key[prefix.Length..];
        var padded = encoded.PadRight(encoded.Length + ((4 - (encoded.Length % 4)) % 4), '=');
        Span<byte> bytes = stackalloc byte[padded.Length];
        if (!Convert.TryFromBase64String(padded, bytes, out var written))
        {
            return null;
        }

        var decoded = Encoding.UTF8.GetString(bytes[..written]);
        if (!decoded.EndsWith('$'))
        {
            return null;
        }

        var host = decoded[..^1];
        // A host name only: anything else would let the key inject into the page's script URL and policy.
        return host.Length > 0 && Uri.CheckHostName(host.Split(':')[0]) == UriHostNameType.Dns && host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':')
            ? new ClerkPublishableKey(key, host)
            : null;
    }
}

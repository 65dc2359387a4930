using System.Buffers.Text;
using System.Security.Cryptography;

namespace AppHost.Hosting;

/// A secret generated on first run for local development; a setting of the same name overrides it.
internal sealed record DevSecret(string Name, Func<string> Generate)
{
    public static IReadOnlyList<DevSecret> All { get; } =
    [
        new("PLATFORM_API_TOKEN", () => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))),
        new("CLERK_WEBHOOK_SECRET", () => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))),
    ];
}

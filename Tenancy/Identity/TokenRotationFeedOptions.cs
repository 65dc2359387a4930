using Microsoft.Extensions.Hosting;

namespace Tenancy.Identity;

/// <summary>How often a service re-reads the whole revocation list from Redis (<c>TOKEN_ROTATION_REFRESH_MS</c>).</summary>
public sealed record TokenRotationFeedOptions
{
    /// <summary>The interval between full reads; rotations normally arrive at once by pub/sub, this catches up missed ones.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(30);

    internal static TokenRotationFeedOptions Read(SettingsReader settings) => new()
    {
        RefreshInterval = settings.Milliseconds("TOKEN_ROTATION_REFRESH_MS", new TokenRotationFeedOptions().RefreshInterval, minimum: 100),
    };
}

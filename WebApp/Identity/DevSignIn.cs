using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace WebApp.Identity;

/// <summary>
/// Dev mode's sign-in: the gateway's <c>POST /dev/token</c> signs the session token, so whether dev tokens exist at all
/// (no real issuer configured, Development only) is decided in one place, the gateway's dev issuer.
/// </summary>
internal sealed partial class DevSignIn(HttpClient gateway, ILogger<DevSignIn> logger)
{
    public const int MaxUserIdLength = 256;

    public async Task<DevSignInResult> SignInAsync(string? userId, CancellationToken cancellationToken)
    {
        userId = userId?.Trim();
        if (string.IsNullOrEmpty(userId) || userId.Length > MaxUserIdLength || userId.Any(char.IsControl))
        {
            return DevSignInResult.Refused($"Enter a user id of 1-{MaxUserIdLength} characters, for example user_123.");
        }

        try
        {
            using var response = await gateway.PostAsJsonAsync("/dev/token", new { sub = userId }, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return DevSignInResult.Refused("Dev sign-in is off: this system signs users in with Clerk. Set CLERK_PUBLISHABLE_KEY for the web app.");
            }

            if (!response.IsSuccessStatusCode)
            {
                LogRefused(logger, (int)response.StatusCode);
                return DevSignInResult.Refused($"The gateway did not sign you in (HTTP {(int)response.StatusCode}); try again in a moment.");
            }

            var token = await response.Content.ReadFromJsonAsync<DevTokenBody>(cancellationToken);
            return token is { Token: { Length: > 0 } jwt }
                ? DevSignInResult.SignedIn(jwt, token.ExpiresAt)
                : DevSignInResult.Refused("The gateway answered without a token; try again in a moment.");
        }
        catch (HttpRequestException exception)
        {
            LogUnreachable(logger, exception);
            return DevSignInResult.Refused("The gateway cannot be reached; try again in a moment.");
        }
    }

    private sealed record DevTokenBody(
        [property: JsonPropertyName("token")] string? Token,
        [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The gateway refused a dev sign-in with HTTP {Status}")]
    private static partial void LogRefused(ILogger logger, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The gateway could not be reached for a dev sign-in")]
    private static partial void LogUnreachable(ILogger logger, Exception exception);
}

/// <summary>A session token and its expiry, or why there is none.</summary>
internal sealed record DevSignInResult(string? Token, DateTimeOffset ExpiresAt, string? Problem)
{
    public static DevSignInResult SignedIn(string token, DateTimeOffset expiresAt) => new(token, expiresAt, null);

    public static DevSignInResult Refused(string problem) => new(null, default, problem);
}

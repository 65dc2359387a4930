using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tenancy.Identity;

/// <summary>
/// What RFC 7515 and RFC 7519 require that the JWT library leaves to its caller: a header extension marked critical
/// (<c>crit</c>) that this server does not understand (it understands none) refuses the token, and the registered
/// time claims are NumericDate numbers, never strings that a lenient reader would turn into dates.
/// </summary>
internal static class TokenShape
{
    private static readonly string[] TimeClaims = ["exp", "nbf", "iat"];

    /// <summary>Why the token's shape is refused, or <see langword="null"/> when it is acceptable.</summary>
    public static string? Problem(JsonWebToken token)
    {
        if (token.TryGetHeaderValue<object>("crit", out _))
        {
            return "The token's header marks extensions critical ('crit'); this server understands none of them.";
        }

        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        foreach (var name in TimeClaims)
        {
            if (payload.RootElement.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Number)
            {
                return $"The token's '{name}' claim is not a number of seconds (a NumericDate).";
            }
        }

        return null;
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace TenantService.Tokens;

/// <summary>A minted token, as the Turso Platform API answers: <c>{"jwt": "..."}</c>.</summary>
internal sealed record TokenResponse([property: JsonPropertyName("jwt")] string Jwt);

/// <summary>A rotation: when it took effect (every token issued before is refused).</summary>
internal sealed record RotationResponse([property: JsonPropertyName("rotated_at")] DateTimeOffset RotatedAt);

/// <summary>Source-generated JSON for the token calls.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(RotationResponse))]
internal sealed partial class TokensJsonContext : JsonSerializerContext;

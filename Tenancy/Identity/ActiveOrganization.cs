using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tenancy.Identity;

/// <summary>
/// The organization a Clerk session token says is active: v1 tokens carry <c>org_id</c> and <c>org_role</c>
/// (<c>org:admin</c>); v2 tokens an <c>o</c> object with <c>id</c> and <c>rol</c> (<c>admin</c>, without the prefix,
/// which is added here so roles are compared in one form).
/// </summary>
internal sealed record ActiveOrganization(string Id, string? Role)
{
    private const string RolePrefix = "org:";

    public static ActiveOrganization? Read(JsonWebToken token)
    {
        if (token.TryGetPayloadValue<string>("org_id", out var v1Id) && !string.IsNullOrEmpty(v1Id))
        {
            return new ActiveOrganization(v1Id, token.TryGetPayloadValue<string>("org_role", out var v1Role) ? Prefixed(v1Role) : null);
        }

        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        if (!payload.RootElement.TryGetProperty("o", out var organization) || organization.ValueKind != JsonValueKind.Object
            || !organization.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(id.GetString()))
        {
            return null;
        }

        var role = organization.TryGetProperty("rol", out var rol) && rol.ValueKind == JsonValueKind.String ? Prefixed(rol.GetString()) : null;
        return new ActiveOrganization(id.GetString()!, role);
    }

    private static string? Prefixed(string? role) => string.IsNullOrEmpty(role) ? null
        : role.StartsWith(RolePrefix, StringComparison.Ordinal) ? role : RolePrefix + role;
}

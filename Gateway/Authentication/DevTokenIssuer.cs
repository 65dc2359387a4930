using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tenancy.Identity;

namespace Gateway.Authentication;

/// <summary>
/// Signs Clerk-shaped session tokens with <c>DEV_JWT_SIGNING_KEY</c> (iss <see cref="DevIssuer.Issuer"/>,
/// kid = the key's RFC 7638 thumbprint) so the whole system can be used without a Clerk account.
/// </summary>
internal sealed class DevTokenIssuer(TenantIdentityOptions options, TimeProvider timeProvider)
{
    private readonly JsonWebTokenHandler handler = new();
    private readonly Lazy<SigningCredentials?> credentials = new(() =>
        options.DevIssuerAllowed && options.DevSigningKeyPem is { } pem
            ? new SigningCredentials(DevIssuer.ReadSigningKey(pem), SecurityAlgorithms.RsaSha256)
            : null);

    /// <summary>Whether dev tokens exist at all: neither a real issuer nor a real key is configured.</summary>
    public bool IsEnabled => options.DevIssuerAllowed;

    /// <summary>Whether the signing key was handed over (the AppHost sets <c>DEV_JWT_SIGNING_KEY</c>).</summary>
    public bool HasSigningKey => credentials.Value is not null;

    public DevToken Issue(string subject, DevOrganization? organization, string? authorizedParty)
    {
        var signing = credentials.Value ?? throw new InvalidOperationException("DEV_JWT_SIGNING_KEY is not set.");
        var now = timeProvider.GetUtcNow();
        var expires = now.Add(DevIssuer.TokenLifetime);
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            // Clerk puts a session id in every session token; services may log it.
            ["sid"] = "sess_dev_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
        };
        if (organization is { Version: 2 })
        {
            // Clerk's v2 shape: the role without its "org:" prefix, under "o".
            var o = new Dictionary<string, object> { ["id"] = organization.Id, ["rol"] = organization.Role["org:".Length..] };
            if (organization.Slug is not null)
            {
                o["slg"] = organization.Slug;
            }

            claims["o"] = o;
            claims["v"] = 2;
        }
        else if (organization is not null)
        {
            claims["org_id"] = organization.Id;
            claims["org_role"] = organization.Role;
            if (organization.Slug is not null)
            {
                claims["org_slug"] = organization.Slug;
            }
        }

        if ((authorizedParty ?? options.AuthorizedParties.FirstOrDefault()) is { } party)
        {
            claims["azp"] = party;
        }

        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = DevIssuer.Issuer,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = signing,
        });

        return new DevToken(token, expires);
    }
}

/// <summary>The active organization of a dev token: its id, the user's role in it (<c>org:</c> prefixed), its slug, and Clerk's claim version.</summary>
internal sealed record DevOrganization(string Id, string Role, string? Slug, int Version);

/// <summary>A signed dev token and when it expires.</summary>
internal sealed record DevToken(string Token, DateTimeOffset ExpiresAt);

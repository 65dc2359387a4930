using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tenancy.Databases;

namespace Tenancy.Identity;

/// <summary>
/// Checks Clerk-style session tokens (RS256; <c>sub</c>, <c>iss</c>, <c>exp</c>, <c>nbf</c>, <c>iat</c>,
/// <c>azp</c>, optional <c>org_id</c>) the same way for real and dev issuers, and names the tenant database.
/// </summary>
internal sealed class TenantTokenValidator(TenantIdentityOptions options, ISigningKeySource keySource, TimeProvider timeProvider)
{
    /// <summary>How many validated tokens are remembered; past that the memory starts over.</summary>
    public const int MaxRememberedTokens = 10_000;

    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };

    // A session token is sent with every request for its whole (short) life: its RSA check is done once,
    // and later requests only re-check its lifetime. A key retired meanwhile stops it at its exp at the latest.
    private readonly ConcurrentDictionary<string, ValidatedToken> validated = new(StringComparer.Ordinal);

    public async Task<TokenValidation> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (validated.TryGetValue(token, out var known))
        {
            if (CheckLifetime(known.ValidFrom, known.ValidTo) is { } expired)
            {
                validated.TryRemove(token, out _);
                return expired;
            }

            return TokenValidation.Valid(known.Identity.Clone());
        }

        var validation = await ValidateSignedAsync(token, cancellationToken);
        if (validation.IsValid)
        {
            if (validated.Count >= MaxRememberedTokens)
            {
                validated.Clear();
            }

            var lifetime = handler.ReadJsonWebToken(token);
            validated[token] = new ValidatedToken(lifetime.ValidFrom, lifetime.ValidTo, validation.Identity!.Clone());
        }

        return validation;
    }

    private async Task<TokenValidation> ValidateSignedAsync(string token, CancellationToken cancellationToken)
    {
        if (options.Mode == TokenIssuerMode.None)
        {
            return TokenValidation.Refused(TokenFailure.NoIssuerConfigured,
                "No token issuer is configured on this server; set CLERK_ISSUER or CLERK_JWT_KEY, or DEV_JWT_SIGNING_KEY for the dev issuer.");
        }

        JsonWebToken parsed;
        try
        {
            parsed = handler.ReadJsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return TokenValidation.Refused(TokenFailure.Malformed, "The bearer token is not a JWT.");
        }

        if (parsed.Alg != SecurityAlgorithms.RsaSha256)
        {
            return TokenValidation.Refused(TokenFailure.WrongAlgorithm, $"The token is signed with '{parsed.Alg}'; only RS256 is accepted.");
        }

        var keyId = string.IsNullOrEmpty(parsed.Kid) ? null : parsed.Kid;
        var keys = await keySource.GetKeysAsync(keyId, cancellationToken);
        if (keys.Count == 0)
        {
            return TokenValidation.Refused(TokenFailure.UnknownKey, "The issuer's signing keys are not available.");
        }

        var result = await handler.ValidateTokenAsync(parsed, Parameters(keys));
        if (!result.IsValid)
        {
            return Describe(result.Exception, keyId, keys);
        }

        var lifetime = CheckLifetime(parsed);
        if (lifetime is not null)
        {
            return lifetime;
        }

        var subject = parsed.Subject;
        if (string.IsNullOrEmpty(subject))
        {
            return TokenValidation.Refused(TokenFailure.MissingSubject, "The token has no 'sub' claim.");
        }

        if (options.AuthorizedParties.Count > 0)
        {
            var party = parsed.TryGetPayloadValue<string>("azp", out var azp) ? azp : null;
            if (party is null || !options.AuthorizedParties.Contains(party, StringComparer.Ordinal))
            {
                return TokenValidation.Refused(TokenFailure.UnauthorizedParty,
                    party is null ? "The token has no 'azp' claim, and this server accepts only listed authorized parties."
                                  : $"The token's authorized party '{party}' is not in CLERK_AUTHORIZED_PARTIES.");
            }
        }

        return TokenValidation.Valid(CreateIdentity(parsed, subject));
    }

    private TokenValidationParameters Parameters(IReadOnlyList<SecurityKey> keys) => new()
    {
        ValidIssuer = options.ExpectedIssuer,
        ValidateIssuer = options.ExpectedIssuer is not null,
        ValidateAudience = false,
        // Lifetime is checked afterwards against the injected clock, so tests control time.
        ValidateLifetime = false,
        RequireSignedTokens = true,
        IssuerSigningKeys = keys,
        // A CLERK_JWT_KEY has no kid of its own, so the token's kid cannot be matched to it by name.
        TryAllIssuerSigningKeys = true,
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        NameClaimType = TenantClaims.UserId,
        RoleClaimType = "role",
    };

    private TokenValidation? CheckLifetime(JsonWebToken token) => token.TryGetPayloadValue<long>("exp", out _)
        ? CheckLifetime(token.ValidFrom, token.ValidTo)
        : TokenValidation.Refused(TokenFailure.NoExpiration, "The token has no 'exp' claim.");

    private TokenValidation? CheckLifetime(DateTime validFrom, DateTime validTo)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        if (validTo.Add(options.ClockSkew) < now)
        {
            return TokenValidation.Refused(TokenFailure.Expired,
                $"The token expired at {validTo.ToString("O", CultureInfo.InvariantCulture)}.");
        }

        if (validFrom != DateTime.MinValue && validFrom.Subtract(options.ClockSkew) > now)
        {
            return TokenValidation.Refused(TokenFailure.NotYetValid,
                $"The token is not valid before {validFrom.ToString("O", CultureInfo.InvariantCulture)}.");
        }

        return null;
    }

    private static TokenValidation Describe(Exception? exception, string? keyId, IReadOnlyList<SecurityKey> keys) => exception switch
    {
        SecurityTokenInvalidIssuerException issuer => TokenValidation.Refused(TokenFailure.WrongIssuer,
            $"The token's issuer '{issuer.InvalidIssuer}' is not the configured issuer."),
        SecurityTokenInvalidAlgorithmException => TokenValidation.Refused(TokenFailure.WrongAlgorithm, "The token is not signed with RS256."),
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException
            when keyId is not null && !keys.Any(key => key.KeyId == keyId) && keys.All(key => key.KeyId is not null) =>
            TokenValidation.Refused(TokenFailure.UnknownKey, $"No signing key with kid '{keyId}' is known to the issuer."),
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
            TokenValidation.Refused(TokenFailure.InvalidSignature, "The token's signature is not valid."),
        SecurityTokenMalformedException or ArgumentException => TokenValidation.Refused(TokenFailure.Malformed, "The bearer token is not a well-formed JWT."),
        _ => TokenValidation.Refused(TokenFailure.Invalid, "The token is not valid."),
    };

    private static ClaimsIdentity CreateIdentity(JsonWebToken token, string subject)
    {
        var identity = new ClaimsIdentity(TenantAuthenticationDefaults.Scheme, TenantClaims.UserId, "role");
        identity.AddClaim(new Claim(TenantClaims.UserId, subject));
        identity.AddClaim(new Claim(TenantClaims.Database, TenantId.FromClerkId(subject).Value));
        if (token.TryGetPayloadValue<string>(TenantClaims.OrganizationId, out var organization) && !string.IsNullOrEmpty(organization))
        {
            identity.AddClaim(new Claim(TenantClaims.OrganizationId, organization));
        }

        foreach (var name in (string[])["azp", "sid"])
        {
            if (token.TryGetPayloadValue<string>(name, out var value) && !string.IsNullOrEmpty(value))
            {
                identity.AddClaim(new Claim(name, value));
            }
        }

        return identity;
    }

    // Only what later requests check: the parsed token itself would keep ~1.5 KiB per remembered token alive.
    private sealed record ValidatedToken(DateTime ValidFrom, DateTime ValidTo, ClaimsIdentity Identity);
}

using System.Globalization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tenancy.Databases;

namespace Tenancy.Identity;

/// <summary>
/// Checks Clerk-style session tokens (RS256; <c>sub</c>, <c>iss</c>, <c>exp</c>, <c>nbf</c>, <c>iat</c>,
/// <c>azp</c>, the active organization as v1 <c>org_id</c>/<c>org_role</c> or v2 <c>o</c>) the same way for real and dev
/// issuers, and names the tenant databases; and the platform's own database and group tokens (HS256, <see cref="DatabaseTokens"/>),
/// which are checked against the revocation list (<see cref="TokenRotations"/>) on every request.
/// </summary>
internal sealed class TenantTokenValidator(TenantIdentityOptions options, ISigningKeySource keySource, TokenRotations rotations, TimeProvider timeProvider)
{
    /// <summary>How many validated tokens are remembered at most.</summary>
    public const int MaxRememberedTokens = 10_000;

    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };

    // A session token is sent with every request for its whole (short) life: its RSA check is done once,
    // and later requests only re-check its lifetime. A key retired meanwhile stops it at its exp at the latest.
    private readonly ValidatedTokens remembered = new(MaxRememberedTokens);

    /// <summary>
    /// Checks <paramref name="token"/>, whose digest is <paramref name="digest"/>, for a request that names
    /// <paramref name="requestedDatabase"/> (or none); a token seen before costs no parsing, only its lifetime and revocation checks.
    /// </summary>
    public ValueTask<TokenValidation> ValidateAsync(ReadOnlyMemory<char> token, TokenDigest digest, string? requestedDatabase, CancellationToken cancellationToken)
    {
        if (!remembered.TryGet(digest, out var known))
        {
            return new ValueTask<TokenValidation>(ValidateSignedAsync(token.ToString(), digest, requestedDatabase, cancellationToken));
        }

        if (CheckLifetime(known.ValidFrom, known.ValidTo) is { } expired)
        {
            remembered.Remove(digest);
            return ValueTask.FromResult(expired);
        }

        if (known.Revocation is { } revocation && CheckRevocation(revocation, requestedDatabase) is { } revoked)
        {
            return ValueTask.FromResult(revoked);
        }

        return ValueTask.FromResult(TokenValidation.Valid(known.ToIdentity()));
    }

    private async Task<TokenValidation> ValidateSignedAsync(string token, TokenDigest digest, string? requestedDatabase, CancellationToken cancellationToken)
    {
        JsonWebToken parsed;
        try
        {
            parsed = handler.ReadJsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return TokenValidation.Refused(TokenFailure.Malformed, "The bearer token is not a JWT.");
        }

        if (TokenShape.Problem(parsed) is { } problem)
        {
            return TokenValidation.Refused(TokenFailure.Malformed, problem);
        }

        if (string.Equals(parsed.Issuer, DatabaseTokens.Issuer, StringComparison.Ordinal))
        {
            return await ValidateDatabaseTokenAsync(parsed, digest, requestedDatabase);
        }

        if (options.Mode == TokenIssuerMode.None)
        {
            return TokenValidation.Refused(TokenFailure.NoIssuerConfigured,
                "No token issuer is configured on this server; set CLERK_ISSUER or CLERK_JWT_KEY, or DEV_JWT_SIGNING_KEY for the dev issuer.");
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

        var validated = new ValidatedToken(parsed.ValidFrom, parsed.ValidTo, Claims(parsed, subject));
        remembered.Add(digest, validated);
        return TokenValidation.Valid(validated.ToIdentity());
    }

    private async Task<TokenValidation> ValidateDatabaseTokenAsync(JsonWebToken parsed, TokenDigest digest, string? requestedDatabase)
    {
        if (options.DatabaseTokenKey is not { } key)
        {
            return TokenValidation.Refused(TokenFailure.NoIssuerConfigured,
                "Database and group tokens are not accepted here: DATABASE_TOKEN_SIGNING_KEY is not set on this service.");
        }

        if (parsed.Alg != SecurityAlgorithms.HmacSha256)
        {
            return TokenValidation.Refused(TokenFailure.WrongAlgorithm, $"The database token is signed with '{parsed.Alg}'; only HS256 is accepted.");
        }

        if (!string.IsNullOrEmpty(parsed.Kid) && parsed.Kid != key.KeyId)
        {
            return TokenValidation.Refused(TokenFailure.UnknownKey,
                "The database token was signed with a key this platform no longer uses (DATABASE_TOKEN_SIGNING_KEY was replaced); issue a new token.");
        }

        var result = await handler.ValidateTokenAsync(parsed, DatabaseTokenParameters(key));
        if (!result.IsValid)
        {
            return result.Exception is SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException
                ? TokenValidation.Refused(TokenFailure.InvalidSignature, "The database token's signature is not valid.")
                : TokenValidation.Refused(TokenFailure.Invalid, "The database token is not valid.");
        }

        // No exp: the token lasts until a rotation, as Turso's expiration=never.
        var validTo = parsed.TryGetPayloadValue<long>("exp", out _) ? parsed.ValidTo : DateTime.MaxValue;
        if (CheckLifetime(parsed.ValidFrom, validTo) is { } lifetime)
        {
            return lifetime;
        }

        if (DatabaseTokenClaims.Read(parsed) is not { } claims)
        {
            return TokenValidation.Refused(TokenFailure.Malformed,
                "The database token lacks its claims ('a' rw or ro, 'gid', 'iat_ms', a valid 'id' for a database token); issue a new token.");
        }

        var validated = new ValidatedToken(parsed.ValidFrom, validTo, claims.Identity, claims.Revocation);
        if (CheckRevocation(claims.Revocation, requestedDatabase) is { } revoked)
        {
            return revoked;
        }

        remembered.Add(digest, validated);
        return TokenValidation.Valid(validated.ToIdentity());
    }

    private TokenValidation? CheckRevocation(TokenRevocationCheck check, string? requestedDatabase)
    {
        // A database token answers to its database's and group's rotations; a group token to its group's and the requested database's.
        var databaseScope = check.Database ?? requestedDatabase;
        if (databaseScope is not null && rotations.Revokes(DatabaseTokens.DatabaseScope(databaseScope), check.IssuedAtMilliseconds))
        {
            return Revoked($"database '{databaseScope}'", DatabaseTokens.DatabaseScope(databaseScope));
        }

        return rotations.Revokes(DatabaseTokens.GroupScope(check.Group), check.IssuedAtMilliseconds)
            ? Revoked($"group '{check.Group}'", DatabaseTokens.GroupScope(check.Group))
            : null;
    }

    private TokenValidation Revoked(string what, string scope)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(rotations.NotBefore(scope) ?? 0).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        return TokenValidation.Refused(TokenFailure.Revoked,
            $"The token was revoked: the tokens of {what} were rotated at {at}, after it was issued; ask for a new token.");
    }

    private static TokenValidationParameters DatabaseTokenParameters(SecurityKey key) => new()
    {
        ValidIssuer = DatabaseTokens.Issuer,
        ValidateIssuer = true,
        ValidateAudience = false,
        ValidateLifetime = false,
        RequireExpirationTime = false,
        RequireSignedTokens = true,
        IssuerSigningKey = key,
        TryAllIssuerSigningKeys = false,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
    };

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
        // MaxValue: a database token without exp, which lasts until a rotation.
        if (validTo != DateTime.MaxValue && validTo.Add(options.ClockSkew) < now)
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

    private (string Type, string Value)[] Claims(JsonWebToken token, string subject)
    {
        List<(string, string)> claims = [(TenantClaims.UserId, subject), (TenantClaims.Database, TenantId.FromClerkId(subject).Value)];
        foreach (var name in (string[])["azp", "sid"])
        {
            if (token.TryGetPayloadValue<string>(name, out var value) && !string.IsNullOrEmpty(value))
            {
                claims.Add((name, value));
            }
        }

        if (ActiveOrganization.Read(token) is { } organization)
        {
            var writes = organization.Role is { } role && options.OrganizationWriteRoles.Contains(role, StringComparer.Ordinal);
            claims.Add((TenantClaims.OrganizationId, organization.Id));
            claims.Add((TenantClaims.OrganizationDatabase, TenantId.FromClerkId(organization.Id).Value));
            claims.Add((TenantClaims.OrganizationAccess, writes ? DatabaseTokens.FullAccess : DatabaseTokens.ReadOnly));
            if (organization.Role is not null)
            {
                claims.Add((TenantClaims.OrganizationRole, organization.Role));
            }
        }

        return [.. claims];
    }
}

namespace Tenancy.Identity;

/// <summary>Why a bearer token was refused.</summary>
public enum TokenFailure
{
    /// <summary>The token is valid.</summary>
    None,

    /// <summary>No issuer or key is configured, so no user token can be checked.</summary>
    NoIssuerConfigured,

    /// <summary>The text is not a compact JWS.</summary>
    Malformed,

    /// <summary>The token is signed with an algorithm other than RS256 (session tokens) or HS256 (database and group tokens).</summary>
    WrongAlgorithm,

    /// <summary>No known key has the token's <c>kid</c>, even after refreshing the keys.</summary>
    UnknownKey,

    /// <summary>The signature does not match any known key.</summary>
    InvalidSignature,

    /// <summary>The <c>iss</c> is not the configured issuer.</summary>
    WrongIssuer,

    /// <summary>The token has no <c>exp</c>.</summary>
    NoExpiration,

    /// <summary>The <c>exp</c> has passed (beyond the clock skew).</summary>
    Expired,

    /// <summary>The <c>nbf</c> is still ahead (beyond the clock skew).</summary>
    NotYetValid,

    /// <summary>The <c>azp</c> is missing or not one of <c>CLERK_AUTHORIZED_PARTIES</c>.</summary>
    UnauthorizedParty,

    /// <summary>The token has no <c>sub</c>.</summary>
    MissingSubject,

    /// <summary>A database or group token issued before a rotation of its database or group.</summary>
    Revoked,

    /// <summary>Any other validation failure.</summary>
    Invalid,
}

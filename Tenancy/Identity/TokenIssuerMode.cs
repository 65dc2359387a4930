namespace Tenancy.Identity;

/// <summary>Where the keys that sign user session tokens come from.</summary>
public enum TokenIssuerMode
{
    /// <summary>No issuer is configured (only possible in Development, without a dev key): every user token is refused, only the platform token works.</summary>
    None,

    /// <summary>The gateway's dev issuer (<see cref="DevIssuer"/>), keyed by <c>DEV_JWT_SIGNING_KEY</c>; Development hosts only.</summary>
    Dev,

    /// <summary>A PEM public key from <c>CLERK_JWT_KEY</c> (networkless verification).</summary>
    PublicKey,

    /// <summary>The JWKS at <c>{CLERK_ISSUER}/.well-known/jwks.json</c>.</summary>
    Jwks,
}

using System.Security.Claims;

namespace Tenancy.Identity;

/// <summary>The outcome of checking one bearer token: an identity, or why there is none.</summary>
/// <param name="Identity">The caller, when <paramref name="Failure"/> is <see cref="TokenFailure.None"/>.</param>
/// <param name="Failure">Why the token was refused.</param>
/// <param name="Description">A sentence for the <c>WWW-Authenticate</c> header's <c>error_description</c>.</param>
public sealed record TokenValidation(ClaimsIdentity? Identity, TokenFailure Failure, string Description)
{
    /// <summary>Whether the token is valid.</summary>
    public bool IsValid => Failure == TokenFailure.None && Identity is not null;

    internal static TokenValidation Valid(ClaimsIdentity identity) => new(identity, TokenFailure.None, "");

    internal static TokenValidation Refused(TokenFailure failure, string description) => new(null, failure, description);
}

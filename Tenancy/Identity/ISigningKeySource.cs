using Microsoft.IdentityModel.Tokens;

namespace Tenancy.Identity;

/// <summary>The keys that may have signed a user session token.</summary>
internal interface ISigningKeySource
{
    /// <summary>The known keys; a source that can refresh does so when <paramref name="keyId"/> is not among them.</summary>
    ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? keyId, CancellationToken cancellationToken);
}

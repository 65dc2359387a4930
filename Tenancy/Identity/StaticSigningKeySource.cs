using Microsoft.IdentityModel.Tokens;

namespace Tenancy.Identity;

/// <summary>Fixed keys: <c>CLERK_JWT_KEY</c>, or the public half of the dev issuer's key.</summary>
internal sealed class StaticSigningKeySource(IReadOnlyList<SecurityKey> keys) : ISigningKeySource
{
    public ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? keyId, CancellationToken cancellationToken) => ValueTask.FromResult(keys);
}

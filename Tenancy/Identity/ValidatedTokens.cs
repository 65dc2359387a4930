using System.Security.Claims;

namespace Tenancy.Identity;

/// <summary>
/// Tokens whose signature was checked, remembered by their <see cref="TokenDigest"/> with just the claims an identity
/// is rebuilt from. Bounded in two generations: when the current one is full it becomes the previous one and the one
/// before is dropped; a hit in the previous one moves forward, so tokens in use stay and one flood of new tokens never
/// forgets them all at once.
/// </summary>
internal sealed class ValidatedTokens(int capacity)
{
    private readonly int _generationSize = Math.Max(1, capacity / 2);
    private readonly Lock _lock = new();
    private Dictionary<TokenDigest, ValidatedToken> _current = [];
    private Dictionary<TokenDigest, ValidatedToken> _previous = [];

    /// <summary>How many tokens are remembered now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _current.Count + _previous.Count;
            }
        }
    }

    public bool TryGet(TokenDigest digest, out ValidatedToken token)
    {
        lock (_lock)
        {
            if (_current.TryGetValue(digest, out token!))
            {
                return true;
            }

            if (!_previous.Remove(digest, out token!))
            {
                return false;
            }

            AddLocked(digest, token);
            return true;
        }
    }

    public void Add(TokenDigest digest, ValidatedToken token)
    {
        lock (_lock)
        {
            AddLocked(digest, token);
        }
    }

    public void Remove(TokenDigest digest)
    {
        lock (_lock)
        {
            _current.Remove(digest);
            _previous.Remove(digest);
        }
    }

    private void AddLocked(TokenDigest digest, ValidatedToken token)
    {
        _current[digest] = token;
        if (_current.Count >= _generationSize)
        {
            _previous = _current;
            _current = new Dictionary<TokenDigest, ValidatedToken>(_generationSize);
        }
    }
}

/// <summary>What later requests with a validated token need: its lifetime, its identity's claims and, for a database or group token, what its revocation is checked by.</summary>
internal sealed record ValidatedToken(DateTime ValidFrom, DateTime ValidTo, (string Type, string Value)[] Claims, TokenRevocationCheck? Revocation = null)
{
    public ClaimsIdentity ToIdentity()
    {
        var identity = new ClaimsIdentity(TenantAuthenticationDefaults.Scheme, TenantClaims.UserId, "role");
        foreach (var (type, value) in Claims)
        {
            identity.AddClaim(new Claim(type, value));
        }

        return identity;
    }
}

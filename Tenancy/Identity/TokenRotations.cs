using System.Collections.Concurrent;

namespace Tenancy.Identity;

/// <summary>
/// The revocation list of database and group tokens, as one service knows it: per rotation scope
/// (<see cref="DatabaseTokens.DatabaseScope"/>, <see cref="DatabaseTokens.GroupScope"/>) the instant before which tokens
/// no longer count. Fed from platform.db in tenantservice and from Redis everywhere (<see cref="TokenRotationFeed"/>);
/// instants only move forward, so a late or repeated message never revives a token.
/// </summary>
public sealed class TokenRotations
{
    private readonly ConcurrentDictionary<string, long> _notBefore = new(StringComparer.Ordinal);

    /// <summary>How many scopes have been rotated.</summary>
    public int Count => _notBefore.Count;

    /// <summary>Records that tokens of <paramref name="scope"/> issued before <paramref name="notBeforeMilliseconds"/> are revoked.</summary>
    /// <param name="scope">The rotation scope.</param>
    /// <param name="notBeforeMilliseconds">The rotation's instant, Unix milliseconds.</param>
    public void Apply(string scope, long notBeforeMilliseconds)
    {
        ArgumentException.ThrowIfNullOrEmpty(scope);
        _notBefore.AddOrUpdate(scope, static (_, next) => next, static (_, known, next) => Math.Max(known, next), notBeforeMilliseconds);
    }

    /// <summary>The latest rotation of <paramref name="scope"/> in Unix milliseconds, or <see langword="null"/> when it was never rotated.</summary>
    /// <param name="scope">The rotation scope.</param>
    /// <returns>The instant, or null.</returns>
    public long? NotBefore(string scope) => _notBefore.TryGetValue(scope, out var instant) ? instant : null;

    /// <summary>Whether a token issued at <paramref name="issuedAtMilliseconds"/> was revoked by a rotation of <paramref name="scope"/>.</summary>
    internal bool Revokes(string? scope, long issuedAtMilliseconds) =>
        scope is not null && _notBefore.TryGetValue(scope, out var instant) && issuedAtMilliseconds < instant;
}

using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Tenancy.Identity;

/// <summary>
/// The issuer's JSON Web Key Set, cached: fetched on first use, again every <see cref="RefreshInterval"/>,
/// and at once when a token names a <c>kid</c> the cache does not hold (key rotation), but never more
/// often than <see cref="MinimumRefreshInterval"/> so that tokens with made-up kids cannot hammer the issuer.
/// </summary>
internal sealed partial class JwksSigningKeySource(
    IHttpClientFactory httpClientFactory, Uri jwksUri, TimeProvider timeProvider, ILogger<JwksSigningKeySource> logger) : ISigningKeySource
{
    public const string HttpClientName = "Tenancy.Identity.Jwks";
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromHours(1);
    public static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim refreshGate = new(1, 1);
    private volatile KeySetSnapshot snapshot = KeySetSnapshot.Empty;

    public async ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? keyId, CancellationToken cancellationToken)
    {
        var current = snapshot;
        if (!current.ShouldRefresh(keyId, timeProvider.GetUtcNow()))
        {
            return current.Keys;
        }

        // One fetch at a time; requests that waited see its result instead of fetching again.
        await refreshGate.WaitAsync(cancellationToken);
        try
        {
            current = snapshot;
            var now = timeProvider.GetUtcNow();
            if (!current.ShouldRefresh(keyId, now))
            {
                return current.Keys;
            }

            snapshot = await FetchAsync(current, now, cancellationToken);
            return snapshot.Keys;
        }
        finally
        {
            refreshGate.Release();
        }
    }

    private async Task<KeySetSnapshot> FetchAsync(KeySetSnapshot current, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var client = httpClientFactory.CreateClient(HttpClientName);
            var json = await client.GetStringAsync(jwksUri, cancellationToken);
            var keys = new JsonWebKeySet(json).GetSigningKeys();
            LogFetched(logger, jwksUri, keys.Count);
            return new KeySetSnapshot([.. keys], now, now);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever failed (network, resilience policy, a bad document), keep serving the keys we have;
            // the fetch is retried after the minimum interval.
            LogFetchFailed(logger, jwksUri, exception);
            return current with { AttemptedAt = now };
        }
    }

    private sealed record KeySetSnapshot(IReadOnlyList<SecurityKey> Keys, DateTimeOffset FetchedAt, DateTimeOffset AttemptedAt)
    {
        public static readonly KeySetSnapshot Empty = new([], DateTimeOffset.MinValue, DateTimeOffset.MinValue);

        public bool ShouldRefresh(string? keyId, DateTimeOffset now)
        {
            var stale = now - FetchedAt >= RefreshInterval;
            var unknownKey = keyId is not null && !Keys.Any(key => key.KeyId == keyId);
            return (stale || unknownKey) && now - AttemptedAt >= MinimumRefreshInterval;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fetched {Count} signing keys from {JwksUri}")]
    private static partial void LogFetched(ILogger logger, Uri jwksUri, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fetch signing keys from {JwksUri}")]
    private static partial void LogFetchFailed(ILogger logger, Uri jwksUri, Exception exception);
}

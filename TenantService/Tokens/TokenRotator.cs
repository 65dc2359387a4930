using System.Globalization;
using StackExchange.Redis;
using Tenancy.Identity;
using Tenancy.Metadata;

namespace TenantService.Tokens;

/// <summary>
/// Rotates a database's or group's tokens: platform.db first (durable), then this service's revocation list (in force at
/// once), then Redis (<c>tokens:rotations</c> and a <c>tokens:rotated</c> message, so every other service refuses them at
/// once too). The one writer of those Redis keys; when Redis is away the copy is written again later by <see cref="TokenRotationSync"/>.
/// </summary>
internal sealed partial class TokenRotator(
    TokenRotationJournal journal,
    TokenRotations rotations,
    IConnectionMultiplexer redis,
    TimeProvider time,
    ILogger<TokenRotator> logger)
{
    private volatile bool _republishNeeded;

    public bool RepublishNeeded => _republishNeeded;

    /// <summary>Revokes every token of <paramref name="scope"/> issued until now; returns the instant in force.</summary>
    public async Task<DateTimeOffset> RotateAsync(string scope)
    {
        // One past now: a token issued in this very millisecond is older than the rotation too.
        var inForce = journal.Record(scope, time.GetUtcNow().ToUnixTimeMilliseconds() + 1);
        rotations.Apply(scope, inForce);
        try
        {
            var database = redis.GetDatabase();
            await database.HashSetAsync(RedisKeys.TokenRotations, scope, inForce.ToString(CultureInfo.InvariantCulture));
            await database.PublishAsync(RedisKeys.TokenRotatedChannel, new TokenRotationMessage(scope, inForce).ToString());
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            _republishNeeded = true;
            LogPublishFailed(logger, scope, exception);
        }

        LogRotated(logger, scope);
        return DateTimeOffset.FromUnixTimeMilliseconds(inForce);
    }

    /// <summary>Loads platform.db's rotations into this service's list (at start, before requests).</summary>
    public void LoadDurable()
    {
        foreach (var (scope, notBefore) in journal.All())
        {
            rotations.Apply(scope, notBefore);
        }
    }

    /// <summary>Writes every rotation into Redis when its copy is short (a flush, a missed publish); returns how many were written.</summary>
    public async Task<int> RepublishIfShortAsync()
    {
        var all = journal.All();
        var database = redis.GetDatabase();
        if (all.Count == 0 || (!_republishNeeded && await database.HashLengthAsync(RedisKeys.TokenRotations) >= all.Count))
        {
            return 0;
        }

        await database.HashSetAsync(RedisKeys.TokenRotations,
            all.Select(row => new HashEntry(row.Scope, row.NotBefore.ToString(CultureInfo.InvariantCulture))).ToArray());
        foreach (var (scope, notBefore) in all)
        {
            await database.PublishAsync(RedisKeys.TokenRotatedChannel, new TokenRotationMessage(scope, notBefore).ToString());
        }

        _republishNeeded = false;
        return all.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tokens of {Scope} rotated: every token issued for it so far is refused")]
    private static partial void LogRotated(ILogger logger, string scope);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tokens of {Scope} rotated in platform.db and here, but Redis did not take it; other services learn it when Redis is back")]
    private static partial void LogPublishFailed(ILogger logger, string scope, Exception exception);
}

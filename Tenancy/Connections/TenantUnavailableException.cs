using Tenancy.Databases;

namespace Tenancy.Connections;

/// <summary>
/// A remote tenant database gave no usable answer: its server is down, unreachable, overloaded or did not answer within
/// <see cref="TenantConnectionCacheOptions.RemoteTimeout"/>. Nothing was resent that could have written; the caller
/// should answer 503 with <see cref="RetryAfter"/>.
/// </summary>
public sealed class TenantUnavailableException(DatabaseName database, string message, TimeSpan retryAfter, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The tenant database.</summary>
    public DatabaseName Database { get; } = database;

    /// <summary>How long a client should wait before retrying.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;

    /// <summary>True when the statement may have run on the server although no answer came (a timeout or a broken connection).</summary>
    public bool MayHaveRun { get; init; }
}

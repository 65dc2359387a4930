namespace LibsqlClient;

/// <summary>Where a database is and how to talk to it. Immutable; checked once when a <see cref="LibsqlDatabase"/> is made.</summary>
public sealed record LibsqlClientOptions
{
    /// <summary>The database's URL: <c>http://host:port/db/name/</c>, <c>https://...</c>, or <c>libsql://host</c> (meaning https).</summary>
    public required Uri Url { get; init; }

    /// <summary>Sent as <c>Authorization: Bearer</c> on every pipeline request; null sends none.</summary>
    public string? AuthToken { get; init; }

    /// <summary>
    /// How long one HTTP request (one pipeline) may take, from sending to the last byte of the answer (default 30 s).
    /// Past it the call fails with <see cref="LibsqlTimeoutException"/>; a write may still have run on the server.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times a read that failed in transport is sent again (default 2). Only a stateless request whose every
    /// statement is a SELECT is ever resent; a write never is (see <see cref="LibsqlConnectionException"/>).
    /// </summary>
    public int ReadRetries { get; init; } = 2;

    /// <summary>The largest answer the client reads (default 64 MiB); a larger one fails with code <c>RESPONSE_TOO_LARGE</c>.</summary>
    public long MaxResponseBytes { get; init; } = 64L << 20;

    /// <summary>Every problem with these options at once, each naming the option and the fix; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Url is null || !Url.IsAbsoluteUri || Url.Scheme is not ("http" or "https" or "libsql"))
        {
            problems.Add($"Url '{Url}' must be an absolute http://, https:// or libsql:// URL, like http://localhost:8080/db/name/.");
        }

        if (Timeout <= TimeSpan.Zero && Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            problems.Add($"Timeout {Timeout} must be positive (or Timeout.InfiniteTimeSpan for none).");
        }

        if (ReadRetries < 0)
        {
            problems.Add($"ReadRetries {ReadRetries} must be 0 or more.");
        }

        if (MaxResponseBytes < 1)
        {
            problems.Add($"MaxResponseBytes {MaxResponseBytes} must be at least 1.");
        }

        return problems;
    }
}

using System.Globalization;

namespace TenantService.Hrana;

/// <summary>Limits of the libSQL endpoint, read from <c>HRANA_*</c> settings.</summary>
internal sealed record HranaOptions
{
    /// <summary>The largest pipeline or cursor request body (10 MiB); larger ones get 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = 10L * 1024 * 1024;

    /// <summary>How long a stream may sit unused before its connection is closed (rolling back).</summary>
    public TimeSpan StreamIdleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Open streams across all callers; each holds a SQLite connection.</summary>
    public int MaxStreams { get; init; } = 1000;

    /// <summary>Open streams of one caller on one database.</summary>
    public int MaxStreamsPerCaller { get; init; } = 32;

    /// <summary>SQL texts one stream may keep with <c>store_sql</c>.</summary>
    public int MaxStoredSql { get; init; } = 100;

    public static HranaOptions FromConfiguration(IConfiguration configuration) => new()
    {
        StreamIdleTimeout = TimeSpan.FromMilliseconds(Positive(configuration["HRANA_STREAM_IDLE_TIMEOUT_MS"]) ?? 10_000),
        MaxStreams = (int)(Positive(configuration["HRANA_MAX_STREAMS"]) ?? 1000),
        MaxStreamsPerCaller = (int)(Positive(configuration["HRANA_MAX_STREAMS_PER_CALLER"]) ?? 32),
    };

    private static long? Positive(string? value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0 && parsed <= int.MaxValue ? parsed : null;
}

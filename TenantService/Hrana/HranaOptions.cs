namespace TenantService.Hrana;

/// <summary>Limits of the libSQL endpoint, read from <c>HRANA_*</c> settings and validated once at start.</summary>
internal sealed record HranaOptions
{
    // Unless set, the shares follow HRANA_MAX_STREAMS: a tenth is the platform token's alone, and a database or a client
    // address may hold a sixteenth. Everyone else shares nine tenths, so filling them takes 15 databases and 15 addresses.
    private const int ReserveDivisor = 10;
    private const int ShareDivisor = 16;

    /// <summary>The largest pipeline or cursor request body (10 MiB); larger ones get 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = 10L * 1024 * 1024;

    /// <summary>How long a stream may sit unused before its connection is closed, rolling back (<c>HRANA_STREAM_IDLE_TIMEOUT_MS</c>).</summary>
    public TimeSpan StreamIdleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a transaction may stay open on a stream, idle or not, before it is rolled back (<c>HRANA_MAX_TRANSACTION_MS</c>;
    /// 5 s, the libSQL server's). An open read transaction keeps the WAL from being checkpointed, an open write one holds the write lock.
    /// </summary>
    public TimeSpan MaxTransactionDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Open streams across all callers; each holds a SQLite connection (<c>HRANA_MAX_STREAMS</c>).</summary>
    public int MaxStreams { get; init; } = 1000;

    /// <summary>Open streams of one caller on one database (<c>HRANA_MAX_STREAMS_PER_CALLER</c>).</summary>
    public int MaxStreamsPerCaller { get; init; } = 32;

    /// <summary>
    /// The largest answer to one pipeline or cursor request, as the estimated JSON size of its results (<c>HRANA_MAX_RESPONSE_BYTES</c>,
    /// libSQL server's <c>max_response_size</c>): a statement that passes it is stopped with <c>RESPONSE_TOO_LARGE</c>.
    /// </summary>
    public long MaxResponseBytes { get; init; } = 10L << 20;

    /// <summary>
    /// What all answers in flight in the service may hold together (<c>HRANA_MAX_TOTAL_RESPONSE_BYTES</c>, libSQL server's
    /// <c>max_total_response_size</c>): past it a statement is stopped with <c>RESPONSE_TOO_LARGE</c> instead of taking more memory.
    /// </summary>
    public long MaxTotalResponseBytes { get; init; } = 32L << 20;

    /// <summary>Streams only the platform token may open, kept free of every other caller's (<c>HRANA_PLATFORM_RESERVED_STREAMS</c>).</summary>
    public int PlatformReservedStreams { get; init; } = 1000 / ReserveDivisor;

    /// <summary>Open streams on one database, all its callers but the platform token together (<c>HRANA_MAX_STREAMS_PER_DATABASE</c>).</summary>
    public int MaxStreamsPerDatabase { get; init; } = 1000 / ShareDivisor;

    /// <summary>Open streams from one client address, as the gateway saw it, IPv6 by /64; the platform token's not counted (<c>HRANA_MAX_STREAMS_PER_ADDRESS</c>).</summary>
    public int MaxStreamsPerAddress { get; init; } = 1000 / ShareDivisor;

    /// <summary>SQL texts one stream may keep with <c>store_sql</c>.</summary>
    public int MaxStoredSql { get; init; } = 100;

    public static HranaOptions Read(SettingsReader settings)
    {
        var defaults = new HranaOptions();
        var maxStreams = settings.Number("HRANA_MAX_STREAMS", defaults.MaxStreams, minimum: 1);
        var share = Math.Max(1, maxStreams / ShareDivisor);
        return new HranaOptions
        {
            StreamIdleTimeout = settings.Milliseconds("HRANA_STREAM_IDLE_TIMEOUT_MS", defaults.StreamIdleTimeout, minimum: 1),
            MaxTransactionDuration = settings.Milliseconds("HRANA_MAX_TRANSACTION_MS", defaults.MaxTransactionDuration, minimum: 1),
            MaxStreams = maxStreams,
            MaxStreamsPerCaller = settings.Number("HRANA_MAX_STREAMS_PER_CALLER", defaults.MaxStreamsPerCaller, minimum: 1),
            // Everyone else keeps at least one stream besides the reserve.
            PlatformReservedStreams = settings.Number("HRANA_PLATFORM_RESERVED_STREAMS", maxStreams / ReserveDivisor, minimum: 0, maximum: maxStreams - 1),
            MaxStreamsPerDatabase = settings.Number("HRANA_MAX_STREAMS_PER_DATABASE", share, minimum: 1),
            MaxStreamsPerAddress = settings.Number("HRANA_MAX_STREAMS_PER_ADDRESS", share, minimum: 1),
            MaxResponseBytes = settings.Number("HRANA_MAX_RESPONSE_BYTES", defaults.MaxResponseBytes, minimum: 1),
            MaxTotalResponseBytes = settings.Number("HRANA_MAX_TOTAL_RESPONSE_BYTES", defaults.MaxTotalResponseBytes, minimum: 1),
        };
    }

    /// <summary>How long a refused caller should wait: streams left idle free their slots within the idle timeout.</summary>
    public TimeSpan RetryAfter => TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(StreamIdleTimeout.TotalSeconds)));
}

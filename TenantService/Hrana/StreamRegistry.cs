using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using Tenancy.Connections;
using Tenancy.Databases;

namespace TenantService.Hrana;

/// <summary>
/// The open streams between pipelines, each under its current baton: 256 random bits, replaced on every pipeline,
/// valid only for the caller and database that opened the stream. Streams idle longer than the timeout are closed
/// (their transaction rolled back); their batons are remembered for a while so that a late client hears
/// "expired" instead of "invalid". Open streams are bounded in total, per caller, and for everyone but the platform
/// token per database and per client address, with a reserve of the total that only the platform token may use.
/// </summary>
internal sealed partial class StreamRegistry : IDisposable
{
    private const int RememberedExpiredBatons = 10_000;
    private static readonly TimeSpan ExpiredBatonMemory = TimeSpan.FromMinutes(5);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, HranaStream> _idle = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perCaller = new(StringComparer.Ordinal);
    private readonly Dictionary<DatabaseName, int> _perDatabase = [];
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private readonly Dictionary<string, long> _expired = new(StringComparer.Ordinal);
    private readonly Queue<(string Baton, long At)> _expiredOrder = new();
    private readonly HranaOptions _options;
    private readonly TenantConnectionCache _cache;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<StreamRegistry> _logger;
    private readonly ITimer _sweeper;
    private int _open;

    public StreamRegistry(HranaOptions options, TenantConnectionCache cache, TimeProvider timeProvider, ILogger<StreamRegistry> logger)
    {
        _options = options;
        _cache = cache;
        _timeProvider = timeProvider;
        _logger = logger;
        var period = TimeSpan.FromMilliseconds(Math.Clamp(options.StreamIdleTimeout.TotalMilliseconds / 4, 50, 1000));
        _sweeper = timeProvider.CreateTimer(_ => Sweep(), null, period, period);
    }

    /// <summary>Reserves a slot for a new stream of <paramref name="claim"/>; null when allowed, else the refusal.</summary>
    public StreamRefusal? TryReserve(StreamClaim claim)
    {
        lock (_lock)
        {
            // A caller over its own share hears so (429) before the whole service's state (503).
            var mine = _perCaller.GetValueOrDefault(claim.Owner);
            if (mine >= _options.MaxStreamsPerCaller)
            {
                return TooMany($"You have {mine} open streams on this database, the limit per caller (HRANA_MAX_STREAMS_PER_CALLER)");
            }

            if (!claim.IsPlatform)
            {
                if (_perDatabase.GetValueOrDefault(claim.Database) is var onDatabase && onDatabase >= _options.MaxStreamsPerDatabase)
                {
                    return TooMany($"Database '{claim.Database.Value}' has {onDatabase} open streams, its share of the server's (HRANA_MAX_STREAMS_PER_DATABASE)");
                }

                if (claim.Address is { } address && _perAddress.GetValueOrDefault(address) is var fromAddress && fromAddress >= _options.MaxStreamsPerAddress)
                {
                    return TooMany($"Your address has {fromAddress} open streams, its share of the server's (HRANA_MAX_STREAMS_PER_ADDRESS)");
                }
            }

            // The reserve is the platform token's alone: everyone else stops short of it.
            var limit = claim.IsPlatform ? _options.MaxStreams : _options.MaxStreams - _options.PlatformReservedStreams;
            if (_open >= limit)
            {
                return new StreamRefusal(StatusCodes.Status503ServiceUnavailable, new HranaError(
                    claim.IsPlatform
                        ? $"The server has {_open} open streams, its limit (HRANA_MAX_STREAMS); close streams (send a 'close' request) or retry shortly."
                        : $"The server has {_open} open streams, all it gives callers other than the platform token (HRANA_MAX_STREAMS less HRANA_PLATFORM_RESERVED_STREAMS); retry shortly.",
                    HranaErrorCodes.StreamsExhausted), _options.RetryAfter);
            }

            _open++;
            _perCaller[claim.Owner] = mine + 1;
            if (!claim.IsPlatform)
            {
                Count(_perDatabase, claim.Database, +1);
                if (claim.Address is { } counted)
                {
                    Count(_perAddress, counted, +1);
                }
            }

            return null;
        }
    }

    /// <summary>Gives back a slot reserved with <see cref="TryReserve"/> whose stream was never opened, or whose stream was disposed.</summary>
    public void Unreserve(StreamClaim claim)
    {
        lock (_lock)
        {
            _open--;
            Count(_perCaller, claim.Owner, -1);
            if (!claim.IsPlatform)
            {
                Count(_perDatabase, claim.Database, -1);
                if (claim.Address is { } address)
                {
                    Count(_perAddress, address, -1);
                }
            }
        }
    }

    /// <summary>Takes the stream under <paramref name="baton"/> for one pipeline, spending the baton; another caller's baton is refused and left alone.</summary>
    public StreamLookup Acquire(string baton, string owner)
    {
        HranaStream? expired = null;
        try
        {
            lock (_lock)
            {
                if (_idle.TryGetValue(baton, out var stream) && string.Equals(stream.Owner, owner, StringComparison.Ordinal))
                {
                    _idle.Remove(baton);
                    if (_timeProvider.GetElapsedTime(stream.ReleasedAt) <= _options.StreamIdleTimeout)
                    {
                        stream.Baton = null;
                        return new StreamLookup(stream, null);
                    }

                    // The sweeper has not come round yet: the stream is expired all the same.
                    RememberExpired(baton);
                    expired = stream;
                    return new StreamLookup(null, ExpiredError);
                }

                return _expired.ContainsKey(baton)
                    ? new StreamLookup(null, ExpiredError)
                    : new StreamLookup(null, new HranaError(
                        "The baton is not valid: it belongs to no open stream of yours on this database. Send a null baton to open a new stream.",
                        HranaErrorCodes.BatonInvalid));
            }
        }
        finally
        {
            if (expired is not null)
            {
                Close(expired);
            }
        }
    }

    /// <summary>Keeps the stream for the next pipeline and returns its new baton, or closes it and returns null.</summary>
    public string? Release(HranaStream stream)
    {
        if (stream.IsClosed)
        {
            Close(stream);
            return null;
        }

        var baton = NewBaton();
        lock (_lock)
        {
            stream.Baton = baton;
            stream.ReleasedAt = _timeProvider.GetTimestamp();
            _idle[baton] = stream;
        }

        return baton;
    }

    /// <summary>Opens a new stream in a slot reserved with <see cref="TryReserve"/>: a connection from the tenant connection cache, or why there is none.</summary>
    public async ValueTask<(HranaStream? Stream, TenantAccessStatus Status)> OpenAsync(StreamClaim claim)
    {
        var access = await _cache.OpenStreamAsync(claim.Database);
        return (access.Stream is { } connection ? new HranaStream(connection, claim, _options.MaxTransactionDuration) : null, access.Status);
    }

    /// <summary>Closes a stream that is not idle in the registry (in use, or just taken out); a clean connection is kept for reuse.</summary>
    public void Close(HranaStream stream)
    {
        stream.Dispose();
        Unreserve(stream.Claim);
    }

    /// <summary>Closes every stream idle longer than the timeout and forgets old expired batons.</summary>
    public void Sweep()
    {
        List<HranaStream>? expired = null;
        lock (_lock)
        {
            foreach (var (baton, stream) in _idle)
            {
                if (_timeProvider.GetElapsedTime(stream.ReleasedAt) > _options.StreamIdleTimeout)
                {
                    (expired ??= []).Add(stream);
                    RememberExpired(baton);
                }
            }

            foreach (var stream in expired ?? [])
            {
                _idle.Remove(stream.Baton!);
            }

            var now = _timeProvider.GetTimestamp();
            while (_expiredOrder.TryPeek(out var oldest) && _timeProvider.GetElapsedTime(oldest.At, now) > ExpiredBatonMemory)
            {
                _expiredOrder.Dequeue();
                _expired.Remove(oldest.Baton);
            }
        }

        foreach (var stream in expired ?? [])
        {
            LogExpired(_logger, stream.Database.Name.Value);
            Close(stream);
        }

        EndLongTransactions();
    }

    // A stream idle inside a transaction is rolled back at the limit too; it keeps its baton, so its next request hears why.
    private void EndLongTransactions()
    {
        List<HranaStream> idle;
        lock (_lock)
        {
            idle = [.. _idle.Values];
        }

        foreach (var stream in idle)
        {
            if (stream.Lease.EndTransactionIfOlderThan(_options.MaxTransactionDuration))
            {
                LogTransactionTimedOut(_logger, stream.Database.Name.Value, _options.MaxTransactionDuration.TotalMilliseconds);
            }
        }
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        List<HranaStream> idle;
        lock (_lock)
        {
            idle = [.. _idle.Values];
            _idle.Clear();
        }

        foreach (var stream in idle)
        {
            Close(stream);
        }
    }

    private static HranaError ExpiredError { get; } = new("The stream has expired due to inactivity; its transaction, if any, was rolled back.", HranaErrorCodes.StreamExpired);

    private StreamRefusal TooMany(string what) => new(StatusCodes.Status429TooManyRequests, new HranaError(
        $"{what}. End pipelines with a 'close' request or let idle streams expire, then retry.", HranaErrorCodes.StreamsExhausted), _options.RetryAfter);

    private static void Count<TKey>(Dictionary<TKey, int> counts, TKey key, int change) where TKey : notnull
    {
        var count = counts.GetValueOrDefault(key) + change;
        if (count <= 0)
        {
            counts.Remove(key);
        }
        else
        {
            counts[key] = count;
        }
    }

    private void RememberExpired(string baton)
    {
        if (_expiredOrder.Count >= RememberedExpiredBatons && _expiredOrder.TryDequeue(out var oldest))
        {
            _expired.Remove(oldest.Baton);
        }

        var at = _timeProvider.GetTimestamp();
        _expired[baton] = at;
        _expiredOrder.Enqueue((baton, at));
    }

    private static string NewBaton()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A libSQL stream on database {Database} expired after inactivity and was closed")]
    private static partial void LogExpired(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "A libSQL stream's transaction on database {Database} was open longer than {LimitMs} ms and was rolled back")]
    private static partial void LogTransactionTimedOut(ILogger logger, string database, double limitMs);
}

/// <summary>The stream under a baton, or the protocol error that says why there is none.</summary>
internal readonly record struct StreamLookup(HranaStream? Stream, HranaError? Error);

/// <summary>Why no new stream could be opened: the HTTP status, the protocol error, and when to try again.</summary>
internal sealed record StreamRefusal(int StatusCode, HranaError Error, TimeSpan RetryAfter);

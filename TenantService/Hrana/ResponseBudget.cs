using System.Globalization;

namespace TenantService.Hrana;

/// <summary>
/// What one libSQL response may hold: the estimated JSON size of its results, at most <c>HRANA_MAX_RESPONSE_BYTES</c>, taken
/// from the service's <see cref="InFlightResponses"/> as rows are read and given back when the response has been written.
/// Once a statement was stopped at a limit the budget is spent, and the pipeline's later SQL is refused without running.
/// </summary>
internal sealed class ResponseBudget(InFlightResponses inFlight, HranaOptions options) : IDisposable
{
    private long _held;
    private bool _spentOnTotal;

    /// <summary>The bytes this response holds now.</summary>
    public long Held => _held;

    /// <summary>A statement was stopped at a limit: the rest of the pipeline's SQL is not run.</summary>
    public bool IsSpent { get; private set; }

    /// <summary>Whether <paramref name="bytes"/> more fit both limits, taking nothing: asked before a large value is copied out of SQLite.</summary>
    public bool CanTake(long bytes) => Fits(bytes) && (inFlight.CanTake(bytes) || Spend(onTotal: true));

    /// <summary>Takes <paramref name="bytes"/> for results read; false, taking nothing and spending the budget, when a limit would be passed.</summary>
    public bool TryTake(long bytes)
    {
        if (!Fits(bytes))
        {
            return false;
        }

        if (!inFlight.TryTake(bytes))
        {
            return Spend(onTotal: true);
        }

        _held += bytes;
        return true;
    }

    /// <summary>Gives back everything taken since <paramref name="held"/>: a stopped statement's rows are dropped.</summary>
    public void ReturnTo(long held)
    {
        inFlight.Release(_held - held);
        _held = held;
    }

    /// <summary>The error of the statement stopped at the limit.</summary>
    public HranaError Stopped(bool wrote) => new(
        $"{Capitalized(Limit())}: the statement was stopped and its rows dropped{(wrote ? " (its changes were made)" : "")}, and the pipeline's later SQL is not run. "
        + (_spentOnTotal
            ? "Retry in a moment, select fewer rows or smaller values, or raise HRANA_MAX_TOTAL_RESPONSE_BYTES."
            : "Select fewer rows or smaller values (LIMIT, fewer columns), or raise HRANA_MAX_RESPONSE_BYTES."),
        HranaErrorCodes.ResponseTooLarge);

    /// <summary>The error of a later request of the same pipeline.</summary>
    public HranaError NotRun() => new($"Not run: an earlier statement of this pipeline was stopped because {Limit()}. Send it again in a new request.", HranaErrorCodes.ResponseTooLarge);

    /// <summary>Gives every byte back to the service; called when the response has been written or has failed.</summary>
    public void Dispose() => ReturnTo(0);

    private bool Fits(long bytes) => _held + bytes <= options.MaxResponseBytes || Spend(onTotal: false);

    // Always false, so that a refusal reads as one expression.
    private bool Spend(bool onTotal)
    {
        IsSpent = true;
        _spentOnTotal = onTotal;
        return false;
    }

    private string Limit() => _spentOnTotal
        ? $"the libSQL responses in flight in this service reached their limit of {Format(options.MaxTotalResponseBytes)} (HRANA_MAX_TOTAL_RESPONSE_BYTES)"
        : $"the response passed its limit of {Format(options.MaxResponseBytes)} (HRANA_MAX_RESPONSE_BYTES)";

    private static string Capitalized(string text) => string.Concat(text[..1].ToUpperInvariant(), text.AsSpan(1));

    private static string Format(long bytes) => bytes switch
    {
        >= 1L << 20 when bytes % (1L << 20) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 20} MiB"),
        >= 1L << 10 when bytes % (1L << 10) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 10} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };
}

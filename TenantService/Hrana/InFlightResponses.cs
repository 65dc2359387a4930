namespace TenantService.Hrana;

/// <summary>
/// The bytes that every libSQL response in flight in this service holds together, at most <c>HRANA_MAX_TOTAL_RESPONSE_BYTES</c>:
/// many large answers at once get an error instead of the service's memory. Each response takes its share through a
/// <see cref="ResponseBudget"/>.
/// </summary>
internal sealed class InFlightResponses(HranaOptions options)
{
    private long _held;

    /// <summary>The bytes held now by responses not yet written.</summary>
    public long Held => Volatile.Read(ref _held);

    /// <summary>A budget for one response; dispose it once the response has been written (or has failed).</summary>
    public ResponseBudget Open() => new(this, options);

    internal bool CanTake(long bytes) => Held + bytes <= options.MaxTotalResponseBytes;

    internal bool TryTake(long bytes)
    {
        if (Interlocked.Add(ref _held, bytes) <= options.MaxTotalResponseBytes)
        {
            return true;
        }

        Interlocked.Add(ref _held, -bytes);
        return false;
    }

    internal void Release(long bytes)
    {
        if (bytes != 0)
        {
            Interlocked.Add(ref _held, -bytes);
        }
    }
}

using System.Globalization;

namespace Benchmarks;

/// <summary>Reads the <c>app;dur=</c> that the services' Server-Timing middleware puts on every answer.</summary>
internal static class ServerTimingHeader
{
    /// <summary>Milliseconds inside the service, or NaN when the answer carries no timing.</summary>
    public static double Milliseconds(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("Server-Timing", out var values))
        {
            foreach (var part in string.Join(",", values).Split([';', ','], StringSplitOptions.TrimEntries))
            {
                if (part.StartsWith("dur=", StringComparison.Ordinal))
                {
                    return double.Parse(part[4..], CultureInfo.InvariantCulture);
                }
            }
        }

        return double.NaN;
    }
}

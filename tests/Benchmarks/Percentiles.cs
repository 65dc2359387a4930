namespace Benchmarks;

internal static class Percentiles
{
    public static double Of(double[] values, double percentile)
    {
        var sorted = values.Where(value => !double.IsNaN(value)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public static string Summary(double[] values) =>
        FormattableString.Invariant($"p50 {Of(values, 50):0.000} ms, p90 {Of(values, 90):0.000} ms, p99 {Of(values, 99):0.000} ms, max {Of(values, 100):0.000} ms");
}

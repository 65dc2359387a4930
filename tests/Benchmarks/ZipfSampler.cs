namespace Benchmarks;

/// <summary>
/// Draws ranks 0..N-1 with P(rank k) proportional to 1/(k+1)^s, the way real tenants are used: a few hot, a long
/// tail rarely seen. The cumulative distribution is computed once; each draw is one binary search.
/// </summary>
internal sealed class ZipfSampler
{
    private readonly double[] _cumulative;

    public ZipfSampler(int count, double exponent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _cumulative = new double[count];
        var total = 0.0;
        for (var rank = 0; rank < count; rank++)
        {
            total += 1 / Math.Pow(rank + 1, exponent);
            _cumulative[rank] = total;
        }

        for (var rank = 0; rank < count; rank++)
        {
            _cumulative[rank] /= total;
        }
    }

    /// <summary>The share of all draws that land on the <paramref name="ranks"/> hottest ranks.</summary>
    public double ShareOfTop(int ranks) => _cumulative[Math.Clamp(ranks, 1, _cumulative.Length) - 1];

    public int Next(Random random)
    {
        var index = Array.BinarySearch(_cumulative, random.NextDouble());
        // Not found gives the complement of the first larger entry; rounding may leave the last entry just under 1.
        return Math.Min(index >= 0 ? index : ~index, _cumulative.Length - 1);
    }
}

namespace Benchmarks;

/// <summary>Cumulative connection cache counters at one moment; <see cref="Since"/> gives those of a phase.</summary>
internal readonly record struct CacheCounters(double Hits, double Misses, double Evictions, double OpenDatabases)
{
    public double HitRatio => Hits + Misses > 0 ? Hits / (Hits + Misses) : double.NaN;

    /// <summary>What was counted between <paramref name="start"/> and these counters; open databases as of now.</summary>
    public CacheCounters Since(CacheCounters start) =>
        new(Hits - start.Hits, Misses - start.Misses, Evictions - start.Evictions, OpenDatabases);
}

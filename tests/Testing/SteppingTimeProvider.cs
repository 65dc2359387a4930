namespace Testing;

/// <summary>A clock that moves forward by <see cref="Step"/> every time it is read, so time limits trip without waiting.</summary>
public sealed class SteppingTimeProvider(TimeSpan step) : TimeProvider
{
    private long _ticks;

    public TimeSpan Step { get; set; } = step;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Add(ref _ticks, Step.Ticks);
}

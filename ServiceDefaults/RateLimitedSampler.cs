using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Records every new trace up to a number per second, then none until the next second. At the rate
/// people click through a dev system every trace is kept; under load the cost stays bounded, and the
/// dashboard's store (10,000 spans) is not churned through in under a second. Wrapped in a
/// <see cref="ParentBasedSampler"/>, so a trace started by the gateway is recorded whole or not at all.
/// </summary>
public sealed class RateLimitedSampler : Sampler
{
    private readonly int tracesPerSecond;
    private readonly TimeProvider timeProvider;
    private readonly Lock gate = new();
    private long second;
    private int taken;

    public RateLimitedSampler(int tracesPerSecond, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tracesPerSecond);
        this.tracesPerSecond = tracesPerSecond;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        Description = $"RateLimitedSampler{{{tracesPerSecond}/s}}";
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var now = timeProvider.GetTimestamp() / timeProvider.TimestampFrequency;
        lock (gate)
        {
            if (now != second)
            {
                (second, taken) = (now, 0);
            }

            if (taken < tracesPerSecond)
            {
                taken++;
                return new SamplingResult(SamplingDecision.RecordAndSample);
            }
        }

        return new SamplingResult(SamplingDecision.Drop);
    }
}

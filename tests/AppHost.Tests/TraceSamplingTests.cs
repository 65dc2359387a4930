using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;

namespace AppHost.Tests;

/// <summary>Every trace at human rates, a bounded number under load, and never part of a trace.</summary>
public sealed class TraceSamplingTests
{
    [Fact]
    public void RecordsTheFirstTracesOfEachSecondAndDropsTheRest()
    {
        var clock = new FakeTimeProvider();
        var sampler = new RateLimitedSampler(3, clock);

        var decisions = Enumerable.Range(0, 5).Select(_ => Root(sampler)).ToArray();
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([true, true, true, false, false], decisions);
        Assert.True(Root(sampler), "a new second records traces again");
    }

    [Fact]
    public void AServiceFollowsItsCallersDecisionWhateverItsOwnBudget()
    {
        var sampler = Extensions.TraceSampler(new TracingOptions { TracesPerSecond = 1 });
        Assert.True(Root(sampler));
        Assert.False(Root(sampler));

        Assert.True(Child(sampler, ActivityTraceFlags.Recorded), "the rest of a recorded trace is recorded");
        Assert.False(Child(sampler, ActivityTraceFlags.None), "the rest of a dropped trace is dropped");
    }

    [Fact]
    public void ZeroRecordsEveryTrace()
    {
        var sampler = Extensions.TraceSampler(new TracingOptions { TracesPerSecond = 0 });

        Assert.All(Enumerable.Range(0, 1000), _ => Assert.True(Root(sampler)));
    }

    [Fact]
    public void AClientCallMadeOutsideAnyOperationStartsNoTrace()
    {
        var sampler = Extensions.TraceSampler(new TracingOptions { TracesPerSecond = 0 });

        Assert.False(Sampled(sampler, default, ActivityKind.Client), "a background Redis command or health probe is not a trace of its own");
        Assert.True(Child(sampler, ActivityTraceFlags.Recorded, ActivityKind.Client), "the same call inside a recorded request is part of its trace");
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("lots")]
    public async Task AMistypedSettingStopsTheServiceAtStartWithAMessageNamingIt(string value)
    {
        using var host = ServiceWith(value);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains($"TRACES_PER_SECOND is '{value}': set a whole number from 0 to", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsetTheServiceRecordsTenTracesASecond()
    {
        using var host = ServiceWith(null);

        Assert.Equal(TracingOptions.DefaultTracesPerSecond, host.Services.GetRequiredService<TracingOptions>().TracesPerSecond);
        Assert.Equal(10, TracingOptions.DefaultTracesPerSecond);
    }

    private static IHost ServiceWith(string? tracesPerSecond)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new("TRACES_PER_SECOND", tracesPerSecond)]);
        builder.AddServiceDefaults();
        return builder.Build();
    }

    private static bool Root(Sampler sampler) => Sampled(sampler, default);

    private static bool Child(Sampler sampler, ActivityTraceFlags parentFlags, ActivityKind kind = ActivityKind.Server) =>
        Sampled(sampler, new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), parentFlags, isRemote: true), kind);

    private static bool Sampled(Sampler sampler, ActivityContext parent, ActivityKind kind = ActivityKind.Server) =>
        sampler.ShouldSample(new SamplingParameters(parent, parent == default ? ActivityTraceId.CreateRandom() : parent.TraceId, "GET /api/todos", kind))
            .Decision == SamplingDecision.RecordAndSample;
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Testing;

namespace TenantService.Tests;

/// <summary>The Redis client every service gets from Aspire's integration, with what the platform adds on top.</summary>
[Collection(TenantServiceCollection.Name)]
public sealed class RedisClientTests(RedisFixture redis) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _dataDirectory = TestData.NewDataDirectory();

    public void Dispose() => TestData.DeleteDirectory(_dataDirectory);

    [Fact]
    public void WithoutACacheConnectionStringTheServiceStopsAtStartAndNamesTheSetting()
    {
        using var app = new TenantServiceApp(_dataDirectory, redis.ConnectionString, new Dictionary<string, string?> { ["ConnectionStrings:cache"] = null });

        var error = Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Contains("ConnectionStrings:cache", error.Message);
    }

    [Fact]
    public async Task RedisCommandsAreSpansOfTheRequestThatSentThemAndBackgroundProbesStartNoTraces()
    {
        var redisSpans = new ConcurrentQueue<Activity>();
        // Samples nothing itself: it sees exactly the spans the service's own sampler records.
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "OpenTelemetry.Instrumentation.StackExchangeRedis",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
            ActivityStopped = redisSpans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        // METADATA_CHECK_INTERVAL_MS is 200: the service probes Redis outside any request all along.
        await using var app = new TenantServiceApp(_dataDirectory, redis.ConnectionString);
        using var client = app.Platform();
        var trace = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/organizations/local/databases")
        {
            Content = JsonContent.Create(new { name = TestData.UniqueName("traced") }),
        };
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");

        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();

        // Profiled commands become spans when the instrumentation next drains its sessions, the probes' first.
        var clock = Stopwatch.StartNew();
        while (!redisSpans.Any(span => span.Recorded && span.TraceId == trace))
        {
            Assert.True(clock.Elapsed < Patience, "gave up waiting for the request's Redis spans");
            await Task.Delay(100);
        }

        Assert.All(redisSpans.Where(span => span.Recorded), span => Assert.NotEqual(default, span.ParentSpanId));
    }
}

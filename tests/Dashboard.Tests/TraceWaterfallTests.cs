using AppHost.Dashboard;
using AppHost.Telemetry;

namespace Dashboard.Tests;

public sealed class TraceWaterfallTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void SpansAreLaidOutParentsFirstWithDepthAndOffsets()
    {
        var store = new TraceStore();
        store.Add([
            Span("db", parent: "todo", service: "todoservice", at: 30, length: 5),
            Span("todo", parent: "proxy", service: "todoservice", at: 20, length: 40),
            Span("root", parent: "", service: "gateway", at: 0, length: 100),
            Span("proxy", parent: "root", service: "gateway", at: 10, length: 60),
            Span("auth", parent: "root", service: "gateway", at: 2, length: 3),
        ]);

        var waterfall = TraceWaterfall.From(store.Find("t")!);

        Assert.Equal(["root", "auth", "proxy", "todo", "db"], waterfall.Spans.Select(span => span.SpanId));
        Assert.Equal([0, 1, 1, 2, 3], waterfall.Spans.Select(span => span.Depth));
        Assert.Equal(100, waterfall.DurationMs);
        Assert.Equal((30, 5), (waterfall.Spans[^1].OffsetMs, waterfall.Spans[^1].DurationMs));
        Assert.Equal(("gateway", "root"), (waterfall.Summary.RootService, waterfall.Summary.RootName));
    }

    [Fact]
    public void ASpanWhoseParentHasNotArrivedIsShownAtTheTop()
    {
        var store = new TraceStore();
        store.Add([Span("child", parent: "missing", service: "todoservice", at: 5, length: 1)]);

        var waterfall = TraceWaterfall.From(store.Find("t")!);

        Assert.Equal(0, Assert.Single(waterfall.Spans).Depth);
        Assert.Equal("child", waterfall.Summary.RootName);
    }

    private static SpanRecord Span(string id, string parent, string service, int at, int length) => new()
    {
        TraceId = "t",
        SpanId = id,
        ParentSpanId = parent,
        Source = new TelemetrySource(service, service + "-1"),
        Scope = "test",
        Name = id,
        Kind = "Internal",
        Start = Start.AddMilliseconds(at),
        End = Start.AddMilliseconds(at + length),
    };
}

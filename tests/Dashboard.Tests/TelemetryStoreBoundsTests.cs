using AppHost.Telemetry;

namespace Dashboard.Tests;

/// The stores keep memory bounded: whole traces and the oldest log records go first.
public sealed class TelemetryStoreBoundsTests
{
    private static readonly TelemetrySource Source = new("svc", "svc-1");

    [Fact]
    public void TheTraceStoreDropsTheOldestTracesBeyondItsSpanCapacity()
    {
        var store = new TraceStore(capacity: 10);

        for (var trace = 0; trace < 6; trace++)
        {
            store.Add([Span($"trace{trace}", "a"), Span($"trace{trace}", "b", parent: "a")]);
        }

        Assert.Equal(10, store.SpanCount);
        Assert.Null(store.Find("trace0"));
        Assert.NotNull(store.Find("trace5"));
        Assert.Equal(5, store.Query(new TraceQuery()).Count);
    }

    [Fact]
    public void ARetriedSpanIsKeptOnce()
    {
        var store = new TraceStore();

        store.Add([Span("t", "a")]);
        store.Add([Span("t", "a")]);

        Assert.Equal(1, store.SpanCount);
    }

    [Fact]
    public void TheLogStoreKeepsTheNewestRecords()
    {
        var store = new LogStore(capacity: 3);

        store.Add(Enumerable.Range(0, 5).Select(index => new LogEntry
        {
            Sequence = store.NextSequence(),
            Time = DateTimeOffset.UnixEpoch,
            Level = LogLevelName.Information,
            Source = Source,
            Category = "c",
            Message = $"message {index}",
        }).ToArray());

        Assert.Equal(["message 4", "message 3", "message 2"], store.Query(new LogQuery()).Select(entry => entry.Message));
    }

    private static SpanRecord Span(string traceId, string spanId, string parent = "") => new()
    {
        TraceId = traceId,
        SpanId = spanId,
        ParentSpanId = parent,
        Source = Source,
        Scope = "test",
        Name = spanId,
        Kind = "Internal",
        Start = DateTimeOffset.UnixEpoch,
        End = DateTimeOffset.UnixEpoch.AddMilliseconds(1),
    };
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using AppHost.Telemetry;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Dashboard.Tests;

/// Payloads made by the real OpenTelemetry .NET exporter, received over both OTLP transports.
public sealed class OtlpDecodingTests(OtlpReceiverFixture receiver) : IClassFixture<OtlpReceiverFixture>
{
    [Theory]
    [InlineData("grpc")]
    [InlineData("http")]
    public void ExportedSpansArriveAsOneTraceWithAttributesEventsAndStatus(string protocol)
    {
        var sourceName = $"Dashboard.Tests.Traces.{protocol}";
        using var source = new ActivitySource(sourceName);
        string traceId;
        using (var tracing = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(Resource($"orders-{protocol}"))
            .AddSource(sourceName)
            .AddOtlpExporter(OtlpExporters.To(receiver, protocol, "/v1/traces"))
            .Build())
        {
            using (var request = source.StartActivity("GET /orders", ActivityKind.Server)!)
            {
                request.SetTag("tenant.id", $"tenant-{protocol}");
                request.SetTag("http.response.status_code", 500);
                traceId = request.TraceId.ToHexString();
                using var query = source.StartActivity("SELECT orders", ActivityKind.Client)!;
                query.SetTag("db.system", "sqlite");
                query.AddEvent(new ActivityEvent("retry", tags: new ActivityTagsCollection { ["attempt"] = 2 }));
                query.SetStatus(ActivityStatusCode.Error, "database is locked");
            }

            tracing.ForceFlush();
        }

        var trace = receiver.Stores.Traces.Find(traceId);
        Assert.NotNull(trace);
        Assert.Equal(2, trace.Spans.Count);
        var root = Assert.Single(trace.Spans, span => span.ParentSpanId.Length == 0);
        var child = Assert.Single(trace.Spans, span => span.ParentSpanId == root.SpanId);
        Assert.Equal("GET /orders", root.Name);
        Assert.Equal("Server", root.Kind);
        Assert.Equal($"orders-{protocol}", root.Source.Service);
        Assert.Equal($"instance-{protocol}", root.Source.Instance);
        Assert.Equal(sourceName, root.Scope);
        Assert.Equal($"tenant-{protocol}", root.Attribute("tenant.id"));
        Assert.Equal("500", root.Attribute("http.response.status_code"));
        Assert.Equal("Client", child.Kind);
        Assert.Equal("sqlite", child.Attribute("db.system"));
        Assert.True(child.IsError);
        Assert.Equal("database is locked", child.StatusMessage);
        var retry = Assert.Single(child.Events);
        Assert.Equal("retry", retry.Name);
        Assert.Contains(new TelemetryAttribute("attempt", "2"), retry.Attributes);
        Assert.True(child.End >= child.Start && child.Start >= root.Start);

        var summary = Assert.Single(receiver.Stores.Traces.Query(new TraceQuery { Tenant = $"tenant-{protocol}" }));
        Assert.Equal(("GET /orders", 2, 1), (summary.RootName, summary.SpanCount, summary.ErrorCount));
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("http")]
    public void ExportedLogRecordsKeepLevelMessageCategoryAndTraceContext(string protocol)
    {
        var sourceName = $"Dashboard.Tests.Logs.{protocol}";
        using var source = new ActivitySource(sourceName);
        using var listener = ListenTo(sourceName);
        string traceId;
        using (var logging = LoggerFactory.Create(builder => builder.AddOpenTelemetry(options =>
        {
            options.SetResourceBuilder(Resource($"billing-{protocol}"));
            options.IncludeFormattedMessage = true;
            options.AddOtlpExporter(OtlpExporters.To(receiver, protocol, "/v1/logs"));
        })))
        {
            var logger = logging.CreateLogger("Billing.Invoices");
            using var activity = source.StartActivity("charge")!;
            traceId = activity.TraceId.ToHexString();
            logger.LogWarning("Invoice {InvoiceId} is overdue", $"inv-{protocol}");
        }

        var entry = Assert.Single(receiver.Stores.Logs.Query(new LogQuery { Service = $"billing-{protocol}" }));
        Assert.Equal(LogLevelName.Warning, entry.Level);
        Assert.Equal($"Invoice inv-{protocol} is overdue", entry.Message);
        Assert.Equal("Billing.Invoices", entry.Category);
        Assert.Equal(traceId, entry.TraceId);
        Assert.Contains(new TelemetryAttribute("InvoiceId", $"inv-{protocol}"), entry.Attributes);
        Assert.Empty(receiver.Stores.Logs.Query(new LogQuery { Service = $"billing-{protocol}", MinimumLevel = LogLevelName.Error }));
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("http")]
    public void ExportedCountersAndHistogramsKeepTheirLatestValueAndHistory(string protocol)
    {
        var meterName = $"Dashboard.Tests.Metrics.{protocol}";
        using var meter = new Meter(meterName);
        var counter = meter.CreateCounter<long>("orders.placed", unit: "{order}", description: "Orders placed");
        var histogram = meter.CreateHistogram<double>("orders.duration", unit: "ms");
        using (var metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(Resource($"shop-{protocol}"))
            .AddMeter(meterName)
            .AddOtlpExporter(OtlpExporters.To(receiver, protocol, "/v1/metrics"))
            .Build())
        {
            counter.Add(3, new KeyValuePair<string, object?>("region", "eu"));
            histogram.Record(10);
            metrics.ForceFlush();
            counter.Add(4, new KeyValuePair<string, object?>("region", "eu"));
            counter.Add(5, new KeyValuePair<string, object?>("region", "us"));
            histogram.Record(30);
            metrics.ForceFlush();
        }

        var views = receiver.Stores.Metrics.Query($"shop-{protocol}");
        var placed = Assert.Single(views, view => view.Name == "orders.placed");
        Assert.Equal(MetricKind.Counter, placed.Kind);
        Assert.Equal(12, placed.Value);
        Assert.Equal("{order}", placed.Unit);
        Assert.Equal("Orders placed", placed.Description);
        Assert.Equal(meterName, placed.Scope);
        Assert.Contains(placed.Series, series => series.Attributes == "region=eu" && series.Value == 7);
        Assert.Contains(placed.Series, series => series.Attributes == "region=us" && series.Value == 5);
        Assert.NotEmpty(placed.Chart);

        var duration = Assert.Single(views, view => view.Name == "orders.duration");
        Assert.Equal(MetricKind.Histogram, duration.Kind);
        Assert.Equal(2UL, duration.Count);
        Assert.Equal(20, duration.Mean);
        Assert.Equal(30, Assert.Single(duration.Chart.TakeLast(1)).Value);
    }

    private static ResourceBuilder Resource(string service) =>
        ResourceBuilder.CreateEmpty().AddService(service, serviceInstanceId: "instance-" + service.Split('-')[^1]);

    private static ActivityListener ListenTo(string sourceName)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}

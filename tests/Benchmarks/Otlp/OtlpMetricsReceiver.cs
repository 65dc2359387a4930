using System.Net;
using Benchmarks.Otlp.Collector.Metrics;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Benchmarks.Otlp;

/// <summary>
/// OTLP/HTTP with binary protobuf bodies, metrics only (<c>POST /v1/metrics</c>; traces and logs get 404), on a free
/// loopback port: where a service started by a benchmark exports its metrics (<c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>).
/// </summary>
internal sealed class OtlpMetricsReceiver : IAsyncDisposable
{
    private const string ProtobufContentType = "application/x-protobuf";

    private readonly WebApplication _app;

    private OtlpMetricsReceiver(WebApplication app, ExportedMetrics metrics)
    {
        _app = app;
        Metrics = metrics;
    }

    /// <summary>The base address exporters are given; they append <c>/v1/metrics</c>.</summary>
    public Uri Endpoint => new(_app.Urls.Single());

    public ExportedMetrics Metrics { get; }

    public static async Task<OtlpMetricsReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var metrics = new ExportedMetrics(TimeProvider.System);
        app.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            try
            {
                metrics.Add(ExportMetricsServiceRequest.Parser.ParseFrom(body.GetBuffer(), 0, (int)body.Length));
            }
            catch (InvalidProtocolBufferException ex)
            {
                return Results.Text($"Not an OTLP protobuf metrics export ({ex.Message}); set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf.", statusCode: StatusCodes.Status400BadRequest);
            }

            return Results.Bytes(new ExportMetricsServiceResponse().ToByteArray(), ProtobufContentType);
        });
        await app.StartAsync();
        return new OtlpMetricsReceiver(app, metrics);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

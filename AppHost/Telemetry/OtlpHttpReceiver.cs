using System.IO.Compression;
using AppHost.Telemetry.Otlp.Collector.Logs;
using AppHost.Telemetry.Otlp.Collector.Metrics;
using AppHost.Telemetry.Otlp.Collector.Trace;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AppHost.Telemetry;

/// OTLP/HTTP with binary protobuf bodies: `POST /v1/traces`, `/v1/logs`, `/v1/metrics`.
internal static class OtlpHttpReceiver
{
    public const string ProtobufContentType = "application/x-protobuf";

    /// Decompressed size limit: a gzip body can expand far beyond what Kestrel's request limit saw.
    public const int MaxBodyBytes = 32 * 1024 * 1024;

    public static IEndpointRouteBuilder MapOtlpHttp(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/traces", (HttpRequest request, OtlpImporter importer) =>
            ReceiveAsync(request, ExportTraceServiceRequest.Parser, importer.Import, new ExportTraceServiceResponse()));
        app.MapPost("/v1/logs", (HttpRequest request, OtlpImporter importer) =>
            ReceiveAsync(request, ExportLogsServiceRequest.Parser, importer.Import, new ExportLogsServiceResponse()));
        app.MapPost("/v1/metrics", (HttpRequest request, OtlpImporter importer) =>
            ReceiveAsync(request, ExportMetricsServiceRequest.Parser, importer.Import, new ExportMetricsServiceResponse()));
        return app;
    }

    private static async Task<IResult> ReceiveAsync<TRequest>(HttpRequest request, MessageParser<TRequest> parser, Action<TRequest> import, IMessage response)
        where TRequest : IMessage<TRequest>
    {
        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), ProtobufContentType, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Text(
                $"Only binary protobuf is accepted here (Content-Type: {ProtobufContentType}); set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf.",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        TRequest message;
        try
        {
            await using var body = request.Headers.ContentEncoding.ToString().Equals("gzip", StringComparison.OrdinalIgnoreCase)
                ? new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true)
                : request.Body;
            using var buffer = new MemoryStream();
            if (!await CopyAtMostAsync(body, buffer, MaxBodyBytes, request.HttpContext.RequestAborted).ConfigureAwait(false))
            {
                return TypedResults.Text($"The body exceeds {MaxBodyBytes / (1024 * 1024)} MiB; export smaller batches.", statusCode: StatusCodes.Status413PayloadTooLarge);
            }

            message = parser.ParseFrom(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidDataException)
        {
            return TypedResults.Text($"The body is not a valid OTLP protobuf message: {ex.Message}", statusCode: StatusCodes.Status400BadRequest);
        }

        import(message);
        return TypedResults.Bytes(response.ToByteArray(), ProtobufContentType);
    }

    private static async Task<bool> CopyAtMostAsync(Stream source, MemoryStream destination, int limit, CancellationToken cancellationToken)
    {
        var chunk = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (destination.Length + read > limit)
            {
                return false;
            }

            destination.Write(chunk, 0, read);
        }

        return true;
    }
}

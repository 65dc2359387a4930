using AppHost.Telemetry.Otlp.Collector.Metrics;
using Grpc.Core;

namespace AppHost.Telemetry;

/// `opentelemetry.proto.collector.metrics.v1.MetricsService/Export` over gRPC.
internal sealed class OtlpMetricsGrpcService(OtlpImporter importer) : MetricsService.MetricsServiceBase
{
    public override Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
    {
        importer.Import(request);
        return Task.FromResult(new ExportMetricsServiceResponse());
    }
}

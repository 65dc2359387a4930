using AppHost.Telemetry.Otlp.Collector.Logs;
using Grpc.Core;

namespace AppHost.Telemetry;

/// `opentelemetry.proto.collector.logs.v1.LogsService/Export` over gRPC.
internal sealed class OtlpLogsGrpcService(OtlpImporter importer) : LogsService.LogsServiceBase
{
    public override Task<ExportLogsServiceResponse> Export(ExportLogsServiceRequest request, ServerCallContext context)
    {
        importer.Import(request);
        return Task.FromResult(new ExportLogsServiceResponse());
    }
}

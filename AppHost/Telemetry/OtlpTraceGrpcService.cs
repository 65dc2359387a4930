using AppHost.Telemetry.Otlp.Collector.Trace;
using Grpc.Core;

namespace AppHost.Telemetry;

/// `opentelemetry.proto.collector.trace.v1.TraceService/Export` over gRPC.
internal sealed class OtlpTraceGrpcService(OtlpImporter importer) : TraceService.TraceServiceBase
{
    public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
    {
        importer.Import(request);
        return Task.FromResult(new ExportTraceServiceResponse());
    }
}

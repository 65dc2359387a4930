using OpenTelemetry;
using OpenTelemetry.Exporter;

namespace Dashboard.Tests;

/// Points the real OpenTelemetry .NET OTLP exporter at the receiver, over gRPC or HTTP/protobuf.
internal static class OtlpExporters
{
    public static Action<OtlpExporterOptions> To(OtlpReceiverFixture receiver, string protocol, string signalPath, string apiKey = OtlpReceiverFixture.ApiKey) => options =>
    {
        // Set in code, the HTTP endpoint is used as given: it must include the signal's path.
        options.Protocol = protocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        options.Endpoint = protocol == "grpc" ? receiver.Receiver.GrpcEndpoint : new Uri(receiver.Receiver.HttpEndpoint, signalPath);
        options.Headers = $"x-otlp-api-key={apiKey}";
        options.ExportProcessorType = ExportProcessorType.Simple;
    };
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace AppHost.Telemetry;

/// The OTLP endpoints the services export to: gRPC (HTTP/2 without TLS) and HTTP/protobuf, both behind the API key.
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly LoopbackListener _grpc;
    private readonly LoopbackListener _http;

    private OtlpReceiver(WebApplication app, LoopbackListener grpc, LoopbackListener http)
    {
        _app = app;
        _grpc = grpc;
        _http = http;
    }

    public Uri GrpcEndpoint => _grpc.Url;

    public Uri HttpEndpoint => _http.Url;

    public static async Task<OtlpReceiver> StartAsync(OtlpReceiverOptions options, TelemetryStores stores, CancellationToken cancellationToken)
    {
        var builder = EmbeddedWebHost.CreateBuilder();
        var grpc = builder.Listen(options.GrpcPort, HttpProtocols.Http2);
        var http = builder.Listen(options.HttpPort, HttpProtocols.Http1);
        builder.Services.AddGrpc(grpcOptions => grpcOptions.MaxReceiveMessageSize = 16 * 1024 * 1024);
        builder.Services.AddSingleton(stores);
        builder.Services.AddSingleton<OtlpImporter>();

        var app = builder.Build();
        app.UseMiddleware<OtlpApiKeyCheck>(options.ApiKey);
        app.MapGrpcService<OtlpTraceGrpcService>();
        app.MapGrpcService<OtlpLogsGrpcService>();
        app.MapGrpcService<OtlpMetricsGrpcService>();
        app.MapOtlpHttp();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // One port may be bound already; release it before reporting.
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new OtlpReceiver(app, grpc, http);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

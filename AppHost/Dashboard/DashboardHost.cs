using System.Globalization;
using System.Text.Json.Serialization;
using AppHost.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace AppHost.Dashboard;

/// The dashboard UI and its OTLP receiver, running inside the AppHost process.
internal sealed class DashboardHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly OtlpReceiver _receiver;
    private readonly LoopbackListener _ui;

    private DashboardHost(WebApplication app, OtlpReceiver receiver, LoopbackListener ui, TelemetryStores telemetry, string apiKey)
    {
        _app = app;
        _receiver = receiver;
        _ui = ui;
        Telemetry = telemetry;
        OtlpApiKey = apiKey;
    }

    /// The address people open; `localhost` as the contract and the Aspire dashboard print it.
    public Uri Url => new($"http://localhost:{_ui.Port.ToString(CultureInfo.InvariantCulture)}/");

    /// The same UI by IP, for clients that should not depend on name resolution.
    public Uri LoopbackUrl => new(_ui.Url, "/");

    public Uri OtlpGrpcEndpoint => _receiver.GrpcEndpoint;

    public Uri OtlpHttpEndpoint => _receiver.HttpEndpoint;

    public string OtlpApiKey { get; }

    public TelemetryStores Telemetry { get; }

    public static async Task<DashboardHost> StartAsync(DashboardOptions options, IResourceSource resources, TimeProvider time, CancellationToken cancellationToken)
    {
        if (options.PortProblems() is { Count: > 0 } problems)
        {
            throw new DistributedApplicationException(string.Join(Environment.NewLine, problems));
        }

        try
        {
            return await StartCoreAsync(options, resources, time, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            // Another process took a port between the check and the bind.
            throw new DistributedApplicationException($"dashboard: {ex.Message} Set DASHBOARD_PORT, DASHBOARD_OTLP_GRPC_PORT and DASHBOARD_OTLP_HTTP_PORT to free ports, or to 0.", ex);
        }
    }

    private static async Task<DashboardHost> StartCoreAsync(DashboardOptions options, IResourceSource resources, TimeProvider time, CancellationToken cancellationToken)
    {
        var telemetry = new TelemetryStores(time);
        var receiver = await OtlpReceiver.StartAsync(
            new OtlpReceiverOptions { GrpcPort = options.OtlpGrpcPort, HttpPort = options.OtlpHttpPort, ApiKey = options.OtlpApiKey },
            telemetry,
            cancellationToken).ConfigureAwait(false);
        try
        {
            var builder = EmbeddedWebHost.CreateBuilder();
            var ui = builder.Listen(options.Port, HttpProtocols.Http1);
            builder.Services.AddSingleton(telemetry);
            builder.Services.AddSingleton(resources);
            builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
            // DNS rebinding: a web page must not read the dashboard through its own name that resolves to loopback.
            builder.Services.AddHostFiltering(filtering => filtering.AllowedHosts = ["localhost", "127.0.0.1", "[::1]"]);

            var app = builder.Build();
            app.UseHostFiltering();
            app.MapDashboardAssets();
            app.MapDashboardApi();
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await app.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            return new DashboardHost(app, receiver, ui, telemetry, options.OtlpApiKey);
        }
        catch
        {
            await receiver.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await _receiver.DisposeAsync().ConfigureAwait(false);
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The defaults every service of the platform starts with: OpenTelemetry, health checks,
/// service discovery and resilient HttpClients, in the shape of the .NET Aspire service defaults.
/// </summary>
public static class Extensions
{
    /// <summary>The path of the readiness check: every registered health check must pass.</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>The path of the liveness check: only checks tagged "live" run.</summary>
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>
    /// Adds telemetry, health checks, service discovery and HttpClient resilience. Settings registered with
    /// <see cref="SettingsExtensions.AddSettings{T}"/> (<see cref="TracingOptions"/> here) are validated at start.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSettings(TracingOptions.Read);
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>Logs, traces and metrics for ASP.NET Core, HttpClient and the runtime; OTLP export when configured.</summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                // Request durations in and out, not the dozen per-request instruments of every middleware:
                // each measurement is paid on every request.
                .AddMeter("Microsoft.AspNetCore.Hosting", "System.Net.Http")
                .AddRuntimeInstrumentation()
                .AddMeter(TelemetryNames.Wildcard))
            .WithTracing(tracing => tracing
                .SetSampler(provider => TraceSampler(provider.GetRequiredService<TracingOptions>()))
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(TelemetryNames.Wildcard)
                .AddAspNetCoreInstrumentation(options =>
                    // Health probes every second would drown the traces that matter.
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                .AddHttpClientInstrumentation(options =>
                    // The gateway's health probes of its destinations are noise in the traces list too.
                    options.FilterHttpRequestMessage = request =>
                        request.RequestUri?.AbsolutePath is not (HealthEndpointPath or AlivenessEndpointPath)));

        builder.AddOpenTelemetryExporters();
        return builder;
    }

    /// <summary>
    /// Parent-based: a service follows its caller's decision, so traces are never recorded in part. A trace starts
    /// at a request or one of the platform's own operations, never at a client call made outside any.
    /// </summary>
    /// <param name="options">How many traces to record per second.</param>
    /// <returns>The sampler.</returns>
    public static Sampler TraceSampler(TracingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var perSecond = options.TracesPerSecond;
        return new ParentBasedSampler(new OperationRootSampler(perSecond == 0 ? new AlwaysOnSampler() : new RateLimitedSampler(perSecond)));
    }

    private static TBuilder AddOpenTelemetryExporters<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL and _HEADERS itself.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Adds the "self" liveness check; other checks (Redis, ...) are added by their registrations.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);

        return builder;
    }

    /// <summary>Maps <c>/health</c> (all checks) and <c>/alive</c> (liveness checks only).</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Loopback-only platform: the orchestrator and the gateway need these in every environment.
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains("live")
        });

        return app;
    }
}

using AppHost.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace AppHost.Dashboard;

/// The JSON the dashboard's pages poll: resources, console lines, traces, structured logs, metrics.
internal static class DashboardApi
{
    private const int MaxConsoleLines = 5_000;
    private const int MaxRows = 1_000;

    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/resources", GetResources).WithName("GetResources");
        api.MapGet("/console/{instance}", GetConsole).WithName("GetConsole");
        api.MapGet("/services", GetServices).WithName("GetServices");
        api.MapGet("/traces", GetTraces).WithName("GetTraces");
        api.MapGet("/traces/{traceId}", GetTrace).WithName("GetTrace");
        api.MapGet("/logs", GetLogs).WithName("GetLogs");
        api.MapGet("/metrics", GetMetrics).WithName("GetMetrics");
        return app;
    }

    public static Ok<IReadOnlyList<ResourceSnapshot>> GetResources(IResourceSource resources) => TypedResults.Ok(resources.GetResources());

    public static Results<Ok<ConsoleLines>, NotFound> GetConsole(string instance, IResourceSource resources, int? count, string? q)
    {
        if (!resources.GetResources().Any(resource => resource.Name == instance))
        {
            return TypedResults.NotFound();
        }

        var lines = resources.GetConsoleLines(instance, Math.Clamp(count ?? 1_000, 1, MaxConsoleLines));
        return TypedResults.Ok(new ConsoleLines(
            instance,
            string.IsNullOrEmpty(q) ? lines : lines.Where(line => line.Contains(q, StringComparison.OrdinalIgnoreCase)).ToArray()));
    }

    /// Resources and every service that has sent telemetry, for the views' filters.
    public static Ok<IReadOnlyList<string>> GetServices(IResourceSource resources, TelemetryStores telemetry) =>
        TypedResults.Ok<IReadOnlyList<string>>(
            resources.GetResources().Select(resource => resource.ResourceName)
                .Concat(telemetry.Services())
                .Distinct()
                .Order(StringComparer.Ordinal)
                .ToArray());

    public static Ok<IReadOnlyList<TraceSummary>> GetTraces(TelemetryStores telemetry, string? service, string? tenant, string? q, bool? errors, int? limit) =>
        TypedResults.Ok(telemetry.Traces.Query(new TraceQuery
        {
            Service = service,
            Tenant = tenant,
            Text = q,
            ErrorsOnly = errors ?? false,
            Limit = Math.Clamp(limit ?? 200, 1, MaxRows),
        }));

    public static Results<Ok<TraceWaterfall>, NotFound> GetTrace(string traceId, TelemetryStores telemetry) =>
        telemetry.Traces.Find(traceId.ToLowerInvariant()) is { } trace
            ? TypedResults.Ok(TraceWaterfall.From(trace))
            : TypedResults.NotFound();

    public static Ok<IReadOnlyList<LogEntry>> GetLogs(TelemetryStores telemetry, string? service, LogLevelName? level, string? traceId, string? q, int? limit) =>
        TypedResults.Ok(telemetry.Logs.Query(new LogQuery
        {
            Service = service,
            MinimumLevel = level ?? LogLevelName.Trace,
            TraceId = traceId?.ToLowerInvariant(),
            Text = q,
            Limit = Math.Clamp(limit ?? 500, 1, MaxRows),
        }));

    public static Ok<IReadOnlyList<MetricView>> GetMetrics(TelemetryStores telemetry, string? service) =>
        TypedResults.Ok(telemetry.Metrics.Query(service));
}

using System.Diagnostics;
using AppHost.Cache;
using AppHost.Secrets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AppHost.Platform;

/// <summary>
/// What a developer needs on the console beside Aspire's own lines: which Redis runs (the storage node's too), a ready
/// line with the gateway's address and where the API token is once every resource is healthy, and a resource that stops
/// with its last lines.
/// </summary>
internal sealed partial class StartupReport(
    ResourceNotificationService notifications,
    ResourceLoggerService resourceLogs,
    DistributedApplicationModel model,
    IEnumerable<CacheChoice> caches,
    DevSecrets secrets,
    ILogger<StartupReport> logger) : BackgroundService
{
    /// The first words of the ready line, which tests and the startup benchmark wait for.
    public const string ReadyLine = "AppHost ready";

    private const int LastLines = 20;

    private readonly Stopwatch _sinceStart = Stopwatch.StartNew();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var cache in caches)
        {
            LogCache(logger, cache.Name, cache.Description);
        }

        var failures = ReportFailuresAsync(stoppingToken);
        try
        {
            var services = model.Resources.OfType<ServiceResource>().ToArray();
            await Task.WhenAll(services.Select(service => notifications.WaitForResourceHealthyAsync(service.Name, stoppingToken)));
            var gateway = services.Single(service => service.Name == "gateway").GetEndpoint("http").Url;
            LogReady(logger, ReadyLine, _sinceStart.ElapsedMilliseconds, gateway, secrets.Path);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped before everything was healthy.
        }

        await failures;
    }

    private async Task ReportFailuresAsync(CancellationToken stoppingToken)
    {
        var reported = new HashSet<string>();
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                var snapshot = update.Snapshot;
                // A killed process ends as Finished with exit code -1; a clean exit (0) is not a failure.
                if (!KnownResourceStates.TerminalStates.Contains(snapshot.State?.Text) || snapshot.ExitCode is 0 || !reported.Add($"{update.ResourceId}@{snapshot.StartTimeStamp}"))
                {
                    continue;
                }

                var lines = new List<string>();
                await foreach (var batch in resourceLogs.GetAllAsync(update.ResourceId).WithCancellation(stoppingToken))
                {
                    lines.AddRange(batch.Select(line => line.Content));
                }

                LogStopped(logger, update.Resource.Name, snapshot.State!.Text, snapshot.ExitCode, string.Join(Environment.NewLine, lines.TakeLast(LastLines)));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Name}: {Description}")]
    private static partial void LogCache(ILogger logger, string name, string description);

    [LoggerMessage(Level = LogLevel.Information, Message = "{ReadyLine} in {Milliseconds} ms: gateway {Gateway}; the platform API token and webhook secret are in {SecretsPath}. Press Ctrl+C to stop.")]
    private static partial void LogReady(ILogger logger, string readyLine, long milliseconds, string gateway, string secretsPath);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Name} stopped ({State}, exit code {ExitCode}); the rest keeps running. Its last lines:\n{Lines}")]
    private static partial void LogStopped(ILogger logger, string name, string state, int? exitCode, string lines);
}

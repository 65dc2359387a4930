using System.Globalization;

namespace AppHost.Tests;

/// <summary>The process behind an executable resource, as the AppHost's model reports it (the dashboard's "pid" column).</summary>
internal static class ResourceProcesses
{
    public static async Task<int> ProcessIdAsync(this DistributedApplication app, string resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var running = await app.ResourceNotifications.WaitForResourceAsync(resource, update => ProcessId(update.Snapshot) is not null, timeout.Token);
        return ProcessId(running.Snapshot)!.Value;
    }

    /// <summary>The environment the resource's process was started with, as the OS holds it.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ProcessEnvironmentAsync(this DistributedApplication app, string resource) =>
        ProcessTable.EnvironmentOf(await app.ProcessIdAsync(resource));

    private static int? ProcessId(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value is { } pid
            ? Convert.ToInt32(pid, CultureInfo.InvariantCulture)
            : null;
}

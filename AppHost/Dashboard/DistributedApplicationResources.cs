namespace AppHost.Dashboard;

/// The running app's resources, as the dashboard reads them.
internal sealed class DistributedApplicationResources(DistributedApplication app) : IResourceSource
{
    public IReadOnlyList<ResourceSnapshot> GetResources() => app.GetResources();

    public IReadOnlyList<string> GetConsoleLines(string instanceName, int count) => app.GetLogs(instanceName, count);
}

namespace AppHost.Dashboard;

/// What the dashboard shows about the resources: their live state and their console output.
internal interface IResourceSource
{
    IReadOnlyList<ResourceSnapshot> GetResources();

    IReadOnlyList<string> GetConsoleLines(string instanceName, int count);
}

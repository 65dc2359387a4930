namespace AppHost.Hosting;

/// A .NET project started as `dotnet {dll}`, one process per replica.
public sealed class ProjectResource(string name, string projectDirectory) : Resource(name)
{
    public string ProjectDirectory { get; } = projectDirectory;

    public int Replicas { get; internal set; } = 1;

    /// Null or 0: a free loopback port is chosen at start.
    public int? HttpPort { get; internal set; }
}

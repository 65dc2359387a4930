using System.Reflection;

namespace AppHost.Hosting;

/// Where a project resource's folder and build output are, relative to the AppHost project (as Aspire resolves them).
internal static class ProjectLocator
{
    // The services are built for the same target framework as the AppHost.
    private const string TargetFramework = "net10.0";

    private static readonly Assembly AppHostAssembly = typeof(ProjectLocator).Assembly;

    public static string AppHostDirectory { get; } = Metadata("AppHostProjectDirectory") ?? AppContext.BaseDirectory;

    public static string Configuration { get; } = Metadata("AppHostConfiguration") ?? "Debug";

    public static string ResolveDirectory(string projectPath) =>
        Path.GetFullPath(Path.Combine(AppHostDirectory, projectPath)).TrimEnd(Path.DirectorySeparatorChar);

    public static string ProjectFile(string projectDirectory) =>
        Directory.Exists(projectDirectory) && Directory.GetFiles(projectDirectory, "*.csproj") is [var single]
            ? single
            : Path.Combine(projectDirectory, Path.GetFileName(projectDirectory) + ".csproj");

    public static string OutputAssembly(string projectDirectory) =>
        Path.Combine(projectDirectory, "bin", Configuration, TargetFramework, Path.GetFileNameWithoutExtension(ProjectFile(projectDirectory)) + ".dll");

    /// The dotnet host that runs the AppHost (or the test host) runs the services too.
    public static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        var processPath = Environment.ProcessPath;
        return processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "dotnet" ? processPath : "dotnet";
    }

    private static string? Metadata(string key) =>
        AppHostAssembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(attribute => attribute.Key == key)?.Value;
}

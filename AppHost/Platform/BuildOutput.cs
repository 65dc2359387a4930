using System.Reflection;

namespace AppHost.Platform;

/// Where a project's build output is: built with the AppHost (its project references), in the AppHost's configuration.
internal static class BuildOutput
{
    private const string TargetFramework = "net10.0";

    private static readonly string Configuration = typeof(BuildOutput).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(attribute => attribute.Key == "AppHostConfiguration")?.Value ?? "Debug";

    /// `{project folder}/bin/{configuration}/net10.0/{project}.dll`; missing, it stops the AppHost with the command that builds it.
    public static string Assembly(string name, IProjectMetadata project)
    {
        var directory = Path.GetDirectoryName(project.ProjectPath)!;
        var assembly = Path.Combine(directory, "bin", Configuration, TargetFramework, Path.GetFileNameWithoutExtension(project.ProjectPath) + ".dll");
        return File.Exists(assembly)
            ? assembly
            : throw new DistributedApplicationException($"{name}: {assembly} not found; build it first: dotnet build -c {Configuration} {project.ProjectPath}");
    }

    /// The dotnet host that runs the AppHost runs the services too.
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath) ? hostPath : "dotnet";
}

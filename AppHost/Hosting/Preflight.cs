namespace AppHost.Hosting;

/// Checks made before anything starts, all reported at once, each naming the resource and the fix.
internal static class Preflight
{
    public static IReadOnlyList<string> Validate(IReadOnlyList<Resource> resources)
    {
        var problems = new List<string>();
        foreach (var project in resources.OfType<ProjectResource>())
        {
            if (!Directory.Exists(project.ProjectDirectory))
            {
                problems.Add($"{project.Name}: project folder {project.ProjectDirectory} does not exist.");
                continue;
            }

            var assembly = ProjectLocator.OutputAssembly(project.ProjectDirectory);
            if (!File.Exists(assembly))
            {
                problems.Add($"{project.Name}: {assembly} not found; build it first: dotnet build {ProjectLocator.ProjectFile(project.ProjectDirectory)}");
            }

            if (project.HttpPort is > 0 and var port && LoopbackPorts.IsInUse(port))
            {
                problems.Add($"{project.Name}: port {port} is already in use; set {project.Name.ToUpperInvariant()}_PORT to another port.");
            }

            if (project.HttpPort is > 0 && project.Replicas > 1)
            {
                problems.Add($"{project.Name}: {project.Replicas} replicas cannot share the fixed port {project.HttpPort}; use one replica or port 0.");
            }
        }

        return problems;
    }
}

namespace AppHost.Hosting;

internal static class StartOrder
{
    /// Dependencies before dependents; stopping walks the list backwards.
    public static IReadOnlyList<Resource> Sort(IReadOnlyList<Resource> resources)
    {
        var sorted = new List<Resource>();
        var visiting = new HashSet<Resource>();
        foreach (var resource in resources)
        {
            Visit(resource, sorted, visiting);
        }

        return sorted;
    }

    private static void Visit(Resource resource, List<Resource> sorted, HashSet<Resource> visiting)
    {
        if (sorted.Contains(resource))
        {
            return;
        }

        if (!visiting.Add(resource))
        {
            throw new DistributedApplicationException($"{resource.Name}: its references or WaitFor calls form a cycle; remove one of them.");
        }

        foreach (var dependency in resource.Dependencies)
        {
            Visit(dependency, sorted, visiting);
        }

        visiting.Remove(resource);
        sorted.Add(resource);
    }
}

namespace AppHost.Hosting;

/// A named part of the distributed app; its references and wait-for edges form the start order.
public abstract class Resource(string name)
{
    public string Name { get; } = name;

    internal List<Resource> References { get; } = [];

    internal List<Resource> WaitsFor { get; } = [];

    internal IEnumerable<Resource> Dependencies => References.Concat(WaitsFor).Distinct();
}

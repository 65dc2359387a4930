namespace AppHost.Hosting;

/// One running instance (a replica, or the cache) as the dashboard and tests see it.
public sealed record ResourceSnapshot
{
    public required string Name { get; init; }

    public required string ResourceName { get; init; }

    public required string Kind { get; init; }

    public required ResourceState State { get; init; }

    public required ResourceHealth Health { get; init; }

    public string? HealthError { get; init; }

    public required IReadOnlyList<string> Endpoints { get; init; }

    public int? ProcessId { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public int Restarts { get; init; }
}

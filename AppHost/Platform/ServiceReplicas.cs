namespace AppHost.Platform;

/// The replicas of one service, each a resource of its own; <see cref="Name"/> is the name services discover them by.
internal sealed record ServiceReplicas(string Name, IReadOnlyList<IResourceBuilder<ServiceResource>> Replicas);

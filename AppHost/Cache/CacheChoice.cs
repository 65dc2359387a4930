namespace AppHost.Cache;

/// Which Redis the cache resource is, for the AppHost's start log.
internal sealed record CacheChoice(string Name, string Description);

using AppHost.Cache;
using AppHost.Platform;
using AppHost.Secrets;

namespace AppHost.Storage;

internal static class StorageResources
{
    /// The user's storage backends and, with STORAGE_NODE=true, the storage node and its Redis as resources.
    public static StorageBackends AddStorage(this IDistributedApplicationBuilder builder, DevSecrets secrets) =>
        StorageBackends.Read(builder.Configuration, StorageNode.IsWanted(builder.Configuration) ? builder.AddStorageNode(secrets) : null);

    /// Gives a service that opens tenant databases every storage backend; with the node, it starts once the node answers.
    public static IResourceBuilder<ServiceResource> WithStorage(this IResourceBuilder<ServiceResource> service, StorageBackends storage)
    {
        foreach (var (name, value) in storage.Settings)
        {
            service.WithEnvironment(name, value);
        }

        if (storage.Node is { } node)
        {
            var prefix = StorageBackends.Prefix(StorageNode.Name);
            service.WithEnvironment(prefix + "URL", node.Service.GetEndpoint("http"))
                .WithEnvironment(prefix + "ORG", node.Organization)
                .WithEnvironment(prefix + "TOKEN", node.Token)
                .WaitFor(node.Service);
        }

        return service;
    }

    private static StorageNode AddStorageNode(this IDistributedApplicationBuilder builder, DevSecrets secrets)
    {
        var dataDirectory = StorageNode.DataDirectory(builder.Configuration);
        // A Redis of its own, never REDIS_URL's: both nodes write their records under the same keys.
        var cache = builder.AddStartedCache($"{StorageNode.Name}-cache", dataDirectory);
        var port = LoopbackPorts.GetFree();
        var publicHost = $"localhost:{port}";
        var token = secrets[DevSecret.StorageNodeToken];
        var service = builder.AddServiceProcess<Projects.TenantService>(StorageNode.Name, port)
            .WithNodeSettings(dataDirectory)
            // Its databases' Hostname names the node, where their libSQL URLs lead; the gateway never routes to it.
            .WithEnvironment("PUBLIC_HOST", publicHost)
            .WithEnvironment("PLATFORM_API_TOKEN", token)
            .WithReference(cache, connectionName: "cache")
            .WaitFor(cache);
        return new StorageNode(service, token, PlatformSettings.Organization(builder.Configuration));
    }
}

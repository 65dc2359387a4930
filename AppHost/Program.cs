using AppHost.Cache;
using AppHost.Platform;
using AppHost.Secrets;
using AppHost.Storage;

try
{
    var builder = DistributedApplication.CreateBuilder(args);
    builder.UseLocalDashboard();

    var gatewayPort = builder.GatewayPort();
    // Database objects' Hostname must name the gateway users really reach: a client follows it with its token.
    builder.Configuration["PUBLIC_HOST"] ??= $"localhost:{gatewayPort}";

    var secrets = builder.AddDevSecrets(StorageNode.Secrets(builder.Configuration));
    var cache = builder.AddCache("cache");
    // The user's STORAGE_* backends and, with STORAGE_NODE=true, a second tenantservice that holds tenant databases too.
    var storage = builder.AddStorage(secrets);

    var tenantservice = builder.AddService<Projects.TenantService>("tenantservice", secrets)
        .WithReference(cache)
        .WaitFor(cache)
        .WithStorage(storage);

    var todoservice = builder.AddReplicas<Projects.TodoService>("todoservice", builder.Configuration.GetValue("TODOSERVICE_REPLICAS", 1), secrets,
        replica => replica.WithReference(cache).WaitFor(cache).WithStorage(storage));

    var gateway = builder.AddService<Projects.Gateway>("gateway", secrets, port: gatewayPort)
        .WithExternalHttpEndpoints()
        .WithReference(cache)
        .WithReference(tenantservice)
        .WithReference(todoservice)
        .WaitFor(tenantservice)
        .WaitFor(todoservice);

    // The end user's pages, behind the gateway; they call the todo API back through it, so it does not wait for the gateway.
    var webapp = builder.AddService<Projects.WebApp>("webapp", secrets)
        .WithReference(gateway);
    gateway.WithReference(webapp).WaitFor(webapp);

    builder.AddStartupReport(secrets);

    builder.Build().Run();
}
catch (DistributedApplicationException problem)
{
    // A setting the AppHost cannot start with (a taken port, a bad value): the message names it and the fix.
    Console.Error.WriteLine(problem.Message);
    return 1;
}

return 0;

/// <summary>The entry point, which Aspire's testing builder boots in tests.</summary>
public partial class Program;

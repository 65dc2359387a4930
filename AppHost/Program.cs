var builder = DistributedApplication.CreateBuilder(args);

var cache = builder.AddRedis("cache");

var tenants = builder.AddProject("tenantservice", "../TenantService")
    .WithReference(cache)
    .WaitFor(cache);

var todos = builder.AddProject("todoservice", "../TodoService")
    .WithReference(cache)
    .WaitFor(tenants)
    .WithReplicas(builder.Configuration.GetValue("TODOSERVICE_REPLICAS", 1));

builder.AddProject("gateway", "../Gateway")
    .WithReference(cache)
    .WithReference(tenants)
    .WithReference(todos)
    .WaitFor(todos)
    .WithHttpEndpoint(port: builder.Configuration.GetValue("GATEWAY_PORT", 8080));

builder.Build().Run();

public partial class Program;

using Gateway.Authentication;
using Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

app.UseGatewayEdge();

app.MapDefaultEndpoints();
app.MapDevTokenApi();
app.MapTenantReverseProxy();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;

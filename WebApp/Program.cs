using WebApp.Components;
using WebApp.Extensions;
using WebApp.Identity;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWebAppServices();

var app = builder.Build();

app.UseWebAppEdge();

app.MapDefaultEndpoints();
app.MapStaticAssets();
app.MapSignOut();
app.MapRazorComponents<App>();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;

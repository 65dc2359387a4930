using TenantService.Apis;
using TenantService.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseServerTiming();
app.MapDefaultEndpoints();
app.MapDatabasesApi();

app.Run();

using TenantService.Apis;
using TenantService.Backups;
using TenantService.Extensions;
using TenantService.Migrations;
using TenantService.Storage;
using TenantService.Tokens;
using TenantService.Webhooks;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseServerTiming();
app.UseGatewayClientAddress();
app.UseStorageBackendErrors();
app.MapDefaultEndpoints();
app.MapDatabasesApi();
app.MapBackupsApi();
app.MapQuarantineApi();
app.MapOwnDumpApi();
app.MapMigrationsApi();
app.MapClerkWebhooks();
app.MapTokensApi();
app.MapHranaApi();

app.Run();

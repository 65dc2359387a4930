using Tenancy.Databases;
using TenantService.Catalog;
using TenantService.Databases;
using TenantService.Schemas;

namespace TenantService.Extensions;

/// <summary>
/// Runs before the service takes requests: reconciles files with platform.db after any crash, then makes
/// sure the built-in schema databases exist at their latest version.
/// </summary>
internal sealed partial class PlatformStartup(
    DatabaseReconciler reconciler,
    BuiltInSchemas builtInSchemas,
    DatabaseCatalog catalog,
    TenantSchemaOptions schemas,
    ILogger<PlatformStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Deletes are not resumed: one a crash interrupted leaves its database in place, so it must be readable again.
        catalog.ClearReadBlocks();
        await reconciler.ReconcileAsync(cancellationToken);
        await builtInSchemas.EnsureAsync(cancellationToken);
        foreach (var (setting, schema) in new[] { ("USER_SCHEMA", schemas.UserSchema), ("ORG_SCHEMA", schemas.OrganizationSchema) })
        {
            if (catalog.Find(schema) is not { Kind: DatabaseKind.Schema })
            {
                LogMissingSchema(logger, setting, schema.Value);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Setting} names '{Name}', which is not a schema database; create it with is_schema before tenants are provisioned from it.")]
    private static partial void LogMissingSchema(ILogger logger, string setting, string name);
}

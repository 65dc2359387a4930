using Tenancy;
using Tenancy.Databases;
using Tenancy.Identity;
using Tenancy.Metadata;
using TenantService.Apis;
using TenantService.Backups;
using TenantService.Catalog;
using TenantService.Databases;
using TenantService.Metadata;
using TenantService.Migrations;
using TenantService.Schemas;
using TenantService.Storage;
using TenantService.Webhooks;

namespace TenantService.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddCacheClient();

        var services = builder.Services;
        services.AddSettings(PlatformOptions.Read);
        // Bearer tokens: the platform API token for /v1/** and any database, user tokens for their own database.
        builder.AddTenantAuthentication();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, PlatformJsonContext.Default));

        // DATA_DIR's layout, the guarded factory (limits from the Tenancy section), the Redis metadata store, and the one
        // cache every libSQL stream, dump, migration and delete gets its connections from (looked up in platform.db).
        services.AddSingleton<ITenantDirectory, CatalogDirectory>();
        builder.AddTenantConnectionCache();

        services.AddSingleton(provider =>
        {
            var factory = provider.GetRequiredService<TenantDatabaseFactory>();
            Directory.CreateDirectory(factory.Layout.DataDirectory);
            var path = factory.Layout.PlatformDatabasePath;
            var connection = File.Exists(path) ? factory.Open(path, DatabaseKind.Platform) : factory.Create(path, DatabaseKind.Platform);
            return new DatabaseCatalog(connection);
        });
        services.AddSingleton<CatalogFlush>();
        services.AddSingleton<DatabaseNameLocks>();
        services.AddSingleton<ChildTemplates>();
        services.AddSingleton<ChildFilePool>();
        services.AddSingleton<DatabaseCloser>();
        services.AddSingleton<RunningDumps>();
        services.AddSingleton<DatabaseProvisioner>();
        services.AddSingleton<Quarantine>();
        services.AddSingleton<DatabaseReconciler>();
        services.AddSingleton<PendingMoves>();
        // Where new databases go (this node's files or storage backends), and the clients of those backends.
        builder.AddStorageBackends();
        services.AddSingleton<BackendDatabases>();
        services.AddHostedService<InterruptedCreatesCleanup>();

        services.AddSingleton<MetadataPublisher>();
        services.AddHostedService<MetadataRepublisher>();

        services.AddSingleton<BuiltInSchemas>();
        // Registered before the web server starts listening: requests wait for reconciliation.
        services.AddHostedService<PlatformStartup>();
        services.AddHostedService(provider => provider.GetRequiredService<PendingMoves>());
        builder.AddClerkWebhooks();
        builder.AddHranaServices();
        builder.AddDatabaseTokens();
        // Last: the migration resumer starts after PlatformStartup has reconciled files and brought built-in schemas up to date.
        builder.AddMigrations();
        builder.AddBackups();
    }
}

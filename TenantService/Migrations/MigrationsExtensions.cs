using TenantService.Databases;
using TenantService.Hrana;
using TenantService.Schemas;

namespace TenantService.Migrations;

/// <summary>
/// Registers schema migrations: the journal, the runner (also the <see cref="ISchemaChangeRunner"/> for built-in schema
/// files and, through <see cref="MigrationJobRouter"/>, the destination of libSQL writes to schema databases) and its resumer.
/// </summary>
internal static class MigrationsExtensions
{
    public static void AddMigrations(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSettings(MigrationOptions.Read);
        services.AddSingleton<MigrationJournal>();
        services.AddSingleton<DatabaseMigrator>();
        services.AddSingleton<RemoteDatabaseMigrator>();
        services.AddSingleton<IDatabaseMigrator, PlacementMigrator>();
        services.AddSingleton<WriteBlockRecords>();
        services.AddSingleton<WriteBlocks>();
        services.AddSingleton<SchemaChangeLocks>();
        services.AddSingleton<MigrationJobExecutor>();
        services.AddSingleton<MigrationRunner>();
        services.AddSingleton<ISchemaChangeRunner>(provider => provider.GetRequiredService<MigrationRunner>());
        services.AddSingleton<ISchemaChangeRouter, MigrationJobRouter>();
        // After PlatformStartup: files are reconciled and built-in schemas are current before old jobs carry on.
        services.AddHostedService<MigrationResumer>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, MigrationsJsonContext.Default));
    }
}

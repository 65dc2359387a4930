namespace TenantService.Backups;

/// <summary>Registers scheduled snapshots, retention, restores and the backup calls.</summary>
internal static class BackupsExtensions
{
    public static void AddBackups(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSettings(BackupOptions.Read);
        services.AddSingleton<BackupJournal>();
        services.AddSingleton<SnapshotStore>();
        services.AddSingleton<SnapshotTaker>();
        services.AddSingleton<BackupPass>();
        services.AddSingleton<SnapshotPreparer>();
        services.AddSingleton<BackupRestorer>();
        services.AddSingleton<SnapshotSeeds>();
        // After PlatformStartup (registered earlier): files are reconciled before interrupted restores are unblocked.
        services.AddHostedService<RestoreRecovery>();
        services.AddHostedService<BackupScheduler>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, BackupsJsonContext.Default));
    }
}

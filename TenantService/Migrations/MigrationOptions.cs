namespace TenantService.Migrations;

/// <summary>How migration jobs run; read and validated once at start.</summary>
internal sealed record MigrationOptions
{
    /// <summary>Databases migrated at once within a job (<c>MIGRATION_PARALLELISM</c>, default 2 x cores).</summary>
    public int Parallelism { get; init; } = 2 * Environment.ProcessorCount;

    /// <summary>Tries per database in the run phase before its task fails.</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>The wait before the second try; doubled before each further one.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest one database's migration may run (dry run or run) before it is interrupted and rolled back (<c>MIGRATION_DATABASE_TIMEOUT_MS</c>).</summary>
    public TimeSpan DatabaseTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A pause inside each database's run task, write block on (<c>MIGRATION_TASK_DELAY_MS</c>): lets tests watch or kill a job mid-run. Zero in production.</summary>
    public TimeSpan TaskDelay { get; init; } = TimeSpan.Zero;

    public static MigrationOptions Read(SettingsReader settings)
    {
        var defaults = new MigrationOptions();
        return new MigrationOptions
        {
            Parallelism = settings.Number("MIGRATION_PARALLELISM", defaults.Parallelism, minimum: 1),
            DatabaseTimeout = settings.Milliseconds("MIGRATION_DATABASE_TIMEOUT_MS", defaults.DatabaseTimeout, minimum: 1),
            TaskDelay = settings.Milliseconds("MIGRATION_TASK_DELAY_MS", defaults.TaskDelay, minimum: 0),
        };
    }
}

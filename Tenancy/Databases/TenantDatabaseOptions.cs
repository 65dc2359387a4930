using Microsoft.Extensions.Hosting;

namespace Tenancy.Databases;

/// <summary>
/// Limits applied to every tenant database connection; set as <c>Tenancy__StatementTimeout</c>, <c>Tenancy__MaxDatabaseSizeBytes</c>,
/// <c>Tenancy__MaxWalSizeBytes</c>, <c>Tenancy__MaxTempSizeBytes</c>, <c>Tenancy__MaxValueBytes</c> and <c>Tenancy__BusyTimeout</c>, validated at start.
/// </summary>
public sealed record TenantDatabaseOptions
{
    /// <summary>How long one SQL statement may run before it is interrupted. Default 2 s.</summary>
    public TimeSpan StatementTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The largest a tenant database may grow; writes beyond it fail with <c>SQLITE_FULL</c>. Default 1 GiB.</summary>
    public long MaxDatabaseSizeBytes { get; init; } = 1L << 30;

    /// <summary>
    /// The largest a tenant's write-ahead log may grow before transactions holding old snapshots are rolled back so a
    /// checkpoint can pass them and truncate it; also the size a log is cut back to when it restarts. Default 64 MiB.
    /// </summary>
    public long MaxWalSizeBytes { get; init; } = 64L << 20;

    /// <summary>
    /// The largest the TEMP tables and indexes of one connection may grow (SQLite keeps them in deleted files outside
    /// <c>DATA_DIR</c>); writes beyond it fail with <c>SQLITE_FULL</c>. Default 16 MiB.
    /// </summary>
    public long MaxTempSizeBytes { get; init; } = 16L << 20;

    /// <summary>
    /// The largest string, blob or row a statement may build or read (<c>SQLITE_LIMIT_LENGTH</c>), so one statement
    /// cannot hold gigabytes of memory (<c>randomblob(1e9)</c>). Default 16 MiB, above the 10 MiB pipeline body limit.
    /// </summary>
    public int MaxValueBytes { get; init; } = 16 << 20;

    /// <summary>How long a connection waits for another writer's lock. Default 5 s.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    internal static TenantDatabaseOptions Read(SettingsReader settings)
    {
        var defaults = new TenantDatabaseOptions();
        return new TenantDatabaseOptions
        {
            StatementTimeout = settings.Duration("Tenancy__StatementTimeout", defaults.StatementTimeout, minimum: TimeSpan.FromMilliseconds(1)),
            MaxDatabaseSizeBytes = settings.Number("Tenancy__MaxDatabaseSizeBytes", defaults.MaxDatabaseSizeBytes, minimum: 1),
            MaxWalSizeBytes = settings.Number("Tenancy__MaxWalSizeBytes", defaults.MaxWalSizeBytes, minimum: 1L << 20),
            MaxTempSizeBytes = settings.Number("Tenancy__MaxTempSizeBytes", defaults.MaxTempSizeBytes, minimum: 1),
            MaxValueBytes = settings.Number("Tenancy__MaxValueBytes", defaults.MaxValueBytes, minimum: 1),
            BusyTimeout = settings.Duration("Tenancy__BusyTimeout", defaults.BusyTimeout, minimum: TimeSpan.Zero),
        };
    }
}

using System.Globalization;

namespace TenantService.Backups;

/// <summary>How often databases are snapshotted and how long snapshots are kept; read and validated once at start.</summary>
internal sealed record BackupOptions
{
    public const string DefaultRetention = "24h,30d";

    /// <summary>The time between two snapshot passes (<c>BACKUP_INTERVAL</c>, default one hour).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Every snapshot younger than this is kept (<c>BACKUP_RETENTION</c>'s first part, default 24 h).</summary>
    public TimeSpan KeepAll { get; init; } = TimeSpan.FromHours(24);

    /// <summary>The newest snapshot of each UTC day younger than this is kept (<c>BACKUP_RETENTION</c>'s second part, default 30 days).</summary>
    public TimeSpan KeepDaily { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Databases snapshotted at once in a pass (<c>BACKUP_PARALLELISM</c>, default 4).</summary>
    public int Parallelism { get; init; } = 4;

    public static BackupOptions Read(SettingsReader settings)
    {
        var defaults = new BackupOptions();
        var retention = settings.Text("BACKUP_RETENTION", DefaultRetention);
        var (keepAll, keepDaily) = ParseRetention(retention) ?? (defaults.KeepAll, defaults.KeepDaily);
        if (ParseRetention(retention) is null)
        {
            settings.AddProblem(
                $"BACKUP_RETENTION is '{retention}': set '<all>,<daily>' such as {DefaultRetention} (every snapshot kept for 24 hours, then the newest of each day for 30 days); "
                + "each a whole number followed by h or d, the second at least the first");
        }

        return new BackupOptions
        {
            Interval = settings.Duration("BACKUP_INTERVAL", defaults.Interval, minimum: TimeSpan.FromSeconds(1)),
            KeepAll = keepAll,
            KeepDaily = keepDaily,
            Parallelism = settings.Number("BACKUP_PARALLELISM", defaults.Parallelism, minimum: 1, maximum: 256),
        };
    }

    /// <summary>Reads <c>24h,30d</c>; null when the text breaks the rule.</summary>
    internal static (TimeSpan KeepAll, TimeSpan KeepDaily)? ParseRetention(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || ParseSpan(parts[0]) is not { } all || ParseSpan(parts[1]) is not { } daily || daily < all)
        {
            return null;
        }

        return (all, daily);
    }

    private static TimeSpan? ParseSpan(string text)
    {
        if (text.Length < 2 || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            return null;
        }

        return text[^1] switch
        {
            'h' => TimeSpan.FromHours(count),
            'd' => TimeSpan.FromDays(count),
            _ => null,
        };
    }
}

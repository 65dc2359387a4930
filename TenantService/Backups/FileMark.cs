namespace TenantService.Backups;

/// <summary>
/// The size and modification time of a database file and its <c>-wal</c> (size -1 when absent), read with two
/// <c>stat</c> calls: every committed write changes one of them, so an equal mark means no write since.
/// </summary>
internal readonly record struct FileMark(long DatabaseSize, long DatabaseTicks, long LogSize, long LogTicks)
{
    /// <summary>Writes within this time of a mark may share its modification time (coarse file system clocks), so such a mark is not trusted.</summary>
    public static readonly TimeSpan Uncertainty = TimeSpan.FromSeconds(2);

    public static FileMark Read(string databasePath)
    {
        var database = new FileInfo(databasePath);
        var log = new FileInfo(databasePath + "-wal");
        // An empty WAL holds no change: a reader (the snapshot's own) may create one, or a checkpoint truncate one, and
        // a truncating checkpoint writes the database file, whose mark changes instead.
        var hasLog = log.Exists && log.Length > 0;
        return new FileMark(
            database.Exists ? database.Length : -1,
            database.Exists ? database.LastWriteTimeUtc.Ticks : 0,
            hasLog ? log.Length : -1,
            hasLog ? log.LastWriteTimeUtc.Ticks : 0);
    }

    /// <summary>Whether a file written at the same (coarse) time as the mark was taken could have changed unseen.</summary>
    public bool WrittenNear(long markedAtTicks) =>
        Math.Max(DatabaseTicks, LogTicks) >= markedAtTicks - Uncertainty.Ticks;
}

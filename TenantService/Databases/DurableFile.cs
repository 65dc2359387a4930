using Tenancy.Databases;

namespace TenantService.Databases;

/// <summary>
/// Writes a whole file so that a crash or power loss leaves either nothing or all of it at the destination:
/// a temporary file in the same folder, flushed to disk, then renamed into place. Flushing the folder as well
/// makes the rename itself survive a power loss; without it the kernel commits it within seconds.
/// Temporary files are named <c>.&lt;file&gt;.&lt;guid&gt;.tmp</c>, like Tenancy's backups, so start-up can sweep them.
/// </summary>
internal static class DurableFile
{
    public const string TemporarySuffix = ".tmp";

    public static void Write(string path, ReadOnlySpan<byte> content, bool flushDirectory)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temporaryPath = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}{TemporarySuffix}");
        try
        {
            using (var stream = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            // A WAL left behind by an earlier database of this name would be replayed into the new file.
            File.Delete(path + "-wal");
            File.Delete(path + "-shm");
            File.Move(temporaryPath, path, overwrite: true);
            if (flushDirectory)
            {
                DiskFlush.Folder(directory);
            }
        }
        finally
        {
            File.Delete(temporaryPath);
        }
    }

    /// <summary>Deletes a database file and the WAL, shared-memory and journal files SQLite may have left beside it.</summary>
    public static void DeleteDatabase(string path)
    {
        File.Delete(path + "-wal");
        File.Delete(path + "-shm");
        File.Delete(path + "-journal");
        File.Delete(path);
    }

    /// <summary>
    /// Moves a file that is already flushed to disk into place; the create path's fast lane, with no flush of its own.
    /// </summary>
    public static void MoveFlushed(string source, string path, bool flushDirectory)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        File.Delete(path + "-wal");
        File.Delete(path + "-shm");
        File.Move(source, path, overwrite: true);
        if (flushDirectory)
        {
            DiskFlush.Folder(directory);
        }
    }

    public static bool IsTemporary(string path) =>
        Path.GetFileName(path).StartsWith('.') && path.EndsWith(TemporarySuffix, StringComparison.Ordinal);
}

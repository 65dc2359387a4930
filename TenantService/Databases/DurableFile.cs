using System.Runtime.InteropServices;

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
                FlushDirectory(directory);
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
            FlushDirectory(directory);
        }
    }

    /// <summary>Flushes everything written to the file system that holds <paramref name="directory"/> (<c>syncfs</c>).</summary>
    public static void FlushFileSystem(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var descriptor = NativeMethods.Open(directory, NativeMethods.ReadOnlyDirectory);
        if (descriptor < 0)
        {
            throw new IOException($"Could not open folder '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (NativeMethods.SyncFileSystem(descriptor) != 0)
            {
                throw new IOException($"Could not flush the file system of '{directory}' (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = NativeMethods.Close(descriptor);
        }
    }

    /// <summary>Flushes a folder, so the renames into it survive a power loss.</summary>
    public static void FlushFolder(string directory) => FlushDirectory(directory);

    public static bool IsTemporary(string path) =>
        Path.GetFileName(path).StartsWith('.') && path.EndsWith(TemporarySuffix, StringComparison.Ordinal);

    private static void FlushDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // .NET cannot open a directory as a file, so ask the kernel directly.
        var descriptor = NativeMethods.Open(directory, NativeMethods.ReadOnlyDirectory);
        if (descriptor < 0)
        {
            throw new IOException($"Could not open folder '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (NativeMethods.Fsync(descriptor) != 0)
            {
                throw new IOException($"Could not flush folder '{directory}' (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = NativeMethods.Close(descriptor);
        }
    }

    private static class NativeMethods
    {
        // O_RDONLY | O_CLOEXEC: the same values on every Linux architecture .NET runs on.
        public const int ReadOnlyDirectory = 0x80000;

        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static extern int Fsync(int descriptor);

        [DllImport("libc", EntryPoint = "syncfs", SetLastError = true)]
        public static extern int SyncFileSystem(int descriptor);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        public static extern int Close(int descriptor);
    }
}

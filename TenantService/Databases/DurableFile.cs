using System.Runtime.InteropServices;

namespace TenantService.Databases;

/// <summary>
/// Writes a whole file so that a crash leaves either nothing or all of it at the destination:
/// a temporary file in the same folder, flushed to disk, renamed into place, then the folder flushed.
/// Temporary files are named <c>.&lt;file&gt;.&lt;guid&gt;.tmp</c>, like Tenancy's backups, so start-up can sweep them.
/// </summary>
internal static class DurableFile
{
    public const string TemporarySuffix = ".tmp";

    public static void Write(string path, ReadOnlySpan<byte> content)
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

            File.Move(temporaryPath, path, overwrite: true);
            FlushDirectory(directory);
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

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        public static extern int Close(int descriptor);
    }
}

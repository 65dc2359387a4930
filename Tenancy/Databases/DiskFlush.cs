using System.Runtime.InteropServices;

namespace Tenancy.Databases;

/// <summary>
/// The flushes .NET does not offer: a folder (so renames into it survive a power loss), a file's data alone
/// (<c>fdatasync</c>, as SQLite syncs its log) and a whole file system (<c>syncfs</c>). Elsewhere than Linux
/// folders and file systems are not flushed and a file's data is flushed through .NET.
/// </summary>
public static class DiskFlush
{
    /// <summary>Flushes a folder's entries (<c>fsync</c> on the folder).</summary>
    public static void Folder(string directory)
    {
        if (OperatingSystem.IsLinux())
        {
            WithDescriptor(directory, "folder", NativeMethods.Fsync);
        }
    }

    /// <summary>Flushes a file's data, not its times (<c>fdatasync</c>).</summary>
    public static void FileData(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            stream.Flush(flushToDisk: true);
            return;
        }

        WithDescriptor(path, "file", NativeMethods.FlushData);
    }

    /// <summary>Flushes everything written to the file system that holds <paramref name="directory"/> (<c>syncfs</c>).</summary>
    public static void FileSystem(string directory)
    {
        if (OperatingSystem.IsLinux())
        {
            WithDescriptor(directory, "file system of", NativeMethods.SyncFileSystem);
        }
    }

    private static void WithDescriptor(string path, string what, Func<int, int> flush)
    {
        // .NET cannot open a folder as a file, so ask the kernel directly.
        var descriptor = NativeMethods.Open(path, NativeMethods.ReadOnly);
        if (descriptor < 0)
        {
            throw new IOException($"Could not open '{path}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (flush(descriptor) != 0)
            {
                throw new IOException($"Could not flush the {what} '{path}' (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = NativeMethods.Close(descriptor);
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code; the arguments are blittable or marshalled as UTF-8.
    private static class NativeMethods
    {
        // O_RDONLY | O_CLOEXEC: the same values on every Linux architecture .NET runs on.
        public const int ReadOnly = 0x80000;

        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static extern int Fsync(int descriptor);

        [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
        public static extern int FlushData(int descriptor);

        [DllImport("libc", EntryPoint = "syncfs", SetLastError = true)]
        public static extern int SyncFileSystem(int descriptor);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        public static extern int Close(int descriptor);
    }
#pragma warning restore SYSLIB1054
}

using System.Runtime.InteropServices;

namespace AppHost.Hosting;

/// Graceful stop on Unix: .NET has no managed way to send SIGTERM to another process.
internal static class UnixSignals
{
    private const int SigTerm = 15;

    public static bool Terminate(int pid) => !OperatingSystem.IsWindows() && NativeMethods.Kill(pid, SigTerm) == 0;

    private static class NativeMethods
    {
        // Blittable signature: DllImport needs no unsafe code, unlike LibraryImport.
        [DllImport("libc", EntryPoint = "kill")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Kill(int pid, int signal);
    }
}

using System.Runtime.InteropServices;

namespace Testing;

/// <summary>Sends POSIX signals, which <see cref="System.Diagnostics.Process"/> cannot: Ctrl+C, pause and resume.</summary>
public static class Signals
{
    public const int Interrupt = 2;
    public const int Continue = 18;
    public const int Stop = 19;

    /// <summary>Sends <paramref name="signal"/> to the process; throws naming the errno if the kernel refuses.</summary>
    public static void Send(int processId, int signal)
    {
        if (Kill(processId, signal) != 0)
        {
            throw new InvalidOperationException($"kill({processId}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>Sends <paramref name="signal"/> if the process is still there; for cleanup paths.</summary>
    public static void TrySend(int processId, int signal) => _ = Kill(processId, signal);

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code; the arguments are blittable.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}

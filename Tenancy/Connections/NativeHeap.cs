using System.Runtime.InteropServices;

namespace Tenancy.Connections;

/// <summary>
/// The C heap SQLite allocates from. glibc keeps what closed connections free inside its heap, between pages still in
/// use, so the process holds it until <c>malloc_trim</c> hands the free pages back (15-30 MiB with 1,000 open tenants
/// out of 100,000, tests/Benchmarks todos).
/// </summary>
internal static class NativeHeap
{
    /// <summary>Returns free C heap pages to the system; false where that is not possible (not Linux, or not glibc).</summary>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return MallocTrim(0) == 1;
        }
        catch (EntryPointNotFoundException)
        {
            // musl (Alpine) has no malloc_trim; its allocator returns memory by itself.
            return false;
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code; the one argument is blittable.
    [DllImport("libc", EntryPoint = "malloc_trim", ExactSpelling = true)]
    private static extern int MallocTrim(nuint pad);
#pragma warning restore SYSLIB1054
}

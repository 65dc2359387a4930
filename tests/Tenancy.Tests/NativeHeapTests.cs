using System.Runtime.InteropServices;
using Tenancy.Connections;

namespace Tenancy.Tests;

public sealed class NativeHeapTests
{
    [Fact]
    public void TrimHandsFreedCHeapPagesBackToTheSystem()
    {
        Assert.True(OperatingSystem.IsLinux(), "NativeHeap.Trim works on Linux with glibc; this test reads /proc/self/status.");
        // 64 MiB in 1 KiB blocks, then every block freed but one in 64: the free runs lie between live blocks, where
        // free() cannot return them, as when SQLite closes connections among others still open.
        const int Blocks = 64 * 1024;
        const int KeptEvery = 64;
        var blocks = new nint[Blocks];
        for (var i = 0; i < Blocks; i++)
        {
            // malloc, as SQLite's allocations; a write makes each page resident.
            blocks[i] = Marshal.AllocHGlobal(1024);
            Marshal.WriteInt64(blocks[i], i);
        }

        for (var i = 0; i < Blocks; i++)
        {
            if (i % KeptEvery != 0)
            {
                Marshal.FreeHGlobal(blocks[i]);
            }
        }

        var before = AnonymousKiB();
        Assert.True(NativeHeap.Trim(), "malloc_trim released nothing");
        var released = before - AnonymousKiB();

        for (var i = 0; i < Blocks; i += KeptEvery)
        {
            Marshal.FreeHGlobal(blocks[i]);
        }

        Assert.True(released >= 32 * 1024, $"the trim released {released} KiB of the ~63 MiB freed");
    }

    private static long AnonymousKiB()
    {
        var line = File.ReadLines("/proc/self/status").Single(line => line.StartsWith("RssAnon:", StringComparison.Ordinal));
        return long.Parse(line["RssAnon:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}

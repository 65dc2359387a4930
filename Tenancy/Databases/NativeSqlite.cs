using System.Runtime.InteropServices;

namespace Tenancy.Databases;

/// <summary>
/// The native calls SQLitePCLRaw does not wrap: <c>sqlite3_txn_state</c>, <c>sqlite3_trace_v2</c>, which reports statement start and end
/// without expanding bound parameters into text (the legacy <c>sqlite3_trace</c> does, at a cost per blob byte), <c>sqlite3_wal_hook</c>,
/// which reports the WAL's length on every commit, and the <c>sqlite3_config</c> forms that size what every connection reserves.
/// </summary>
internal static class NativeSqlite
{
    private const int ConfigPageCache = 7;
    private const int ConfigMemStatus = 9;
    private const int ConfigLookaside = 13;

    public const uint TraceStatement = 0x01;
    public const uint TraceProfile = 0x02;

    // Same library name SQLitePCLRaw's e_sqlite3 provider imports, so both resolve to the one loaded copy.
    [DllImport("e_sqlite3", EntryPoint = "sqlite3_trace_v2", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for the function pointer; these arguments are blittable.
    public static extern int TraceV2(IntPtr db, uint mask, IntPtr callback, IntPtr context);
#pragma warning restore SYSLIB1054

    /// <summary><c>sqlite3_txn_state</c>'s answer for a connection in no transaction.</summary>
    public const int TransactionNone = 0;

    /// <summary><c>sqlite3_txn_state</c>'s answer for a connection holding the write lock.</summary>
    public const int TransactionWrite = 2;

    [DllImport("e_sqlite3", EntryPoint = "sqlite3_txn_state", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
#pragma warning disable SYSLIB1054
    public static extern int TransactionState(IntPtr db, IntPtr schema);
#pragma warning restore SYSLIB1054

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int TraceCallback(uint mask, IntPtr context, IntPtr p, IntPtr x);

    /// <summary><c>SQLITE_CHECKPOINT_PASSIVE</c>: copies what no reader still needs, waiting for nobody.</summary>
    public const int CheckpointPassive = 0;

    /// <summary>Replaces SQLite's own WAL hook, the one that runs the automatic checkpoint.</summary>
    [DllImport("e_sqlite3", EntryPoint = "sqlite3_wal_hook", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
#pragma warning disable SYSLIB1054
    public static extern IntPtr WalHook(IntPtr db, IntPtr callback, IntPtr context);

    /// <summary><c>sqlite3_wal_checkpoint_v2</c> on raw pointers, for use inside the WAL hook.</summary>
    [DllImport("e_sqlite3", EntryPoint = "sqlite3_wal_checkpoint_v2", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    public static extern int WalCheckpoint(IntPtr db, IntPtr schema, int mode, out int logFrames, out int checkpointedFrames);
#pragma warning restore SYSLIB1054

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int WalHookCallback(IntPtr context, IntPtr db, IntPtr schema, int frames);

    /// <summary>
    /// Configures SQLite for a process that keeps a thousand tenants open, before its first connection: each connection
    /// reserves ~45 KiB instead of ~240 KiB (no lookaside, and no 20-page first allocation for each page cache, main and
    /// TEMP alike; pages are allocated as they are used), and no memory statistics are kept, which would take one global
    /// mutex on every allocation of every connection. False when it was too late or is not tried.
    /// </summary>
    public static bool TryConfigure()
    {
        // sqlite3_config is variadic: its int and pointer arguments travel like fixed ones on Linux (x64 and arm64),
        // not on Apple arm64, so the call is made only where it is known to arrive intact.
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        return ConfigPointerIntInt(ConfigPageCache, IntPtr.Zero, 0, 0) == 0 & ConfigIntInt(ConfigLookaside, 0, 0) == 0 & ConfigIntInt(ConfigMemStatus, 0, 0) == 0;
    }

#pragma warning disable SYSLIB1054 // As above: blittable arguments, one declaration per argument shape of the variadic call.
    [DllImport("e_sqlite3", EntryPoint = "sqlite3_config", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    private static extern int ConfigPointerIntInt(int option, IntPtr pointer, int first, int second);

    [DllImport("e_sqlite3", EntryPoint = "sqlite3_config", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    private static extern int ConfigIntInt(int option, int first, int second);
#pragma warning restore SYSLIB1054
}

using System.Runtime.InteropServices;

namespace Tenancy.Databases;

/// <summary>
/// The one native call SQLitePCLRaw does not wrap: <c>sqlite3_trace_v2</c>, which reports statement start and end
/// without expanding bound parameters into text (the legacy <c>sqlite3_trace</c> does, at a cost per blob byte).
/// </summary>
internal static class NativeSqlite
{
    public const uint TraceStatement = 0x01;
    public const uint TraceProfile = 0x02;

    // Same library name SQLitePCLRaw's e_sqlite3 provider imports, so both resolve to the one loaded copy.
    [DllImport("e_sqlite3", EntryPoint = "sqlite3_trace_v2", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for the function pointer; these arguments are blittable.
    public static extern int TraceV2(IntPtr db, uint mask, IntPtr callback, IntPtr context);
#pragma warning restore SYSLIB1054

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int TraceCallback(uint mask, IntPtr context, IntPtr p, IntPtr x);
}

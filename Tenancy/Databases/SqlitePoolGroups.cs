using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Tenancy.Databases;

/// <summary>
/// Microsoft.Data.Sqlite keeps a pool group (the parsed connection string, ~760 bytes of managed heap) for every connection
/// string it has seen, pooled or not, and forgets one only after it went unused through two of its prune passes, the
/// first four minutes after start and then one every 30 s. Every tenant file has its own connection string, so a process
/// opening hundreds of tenants a second holds tens of thousands of them (over 40% of todoservice's heap at the todos
/// benchmark). Running the library's own prune pass every second bounds them to a few seconds of opens. The pass is
/// internal to the library: if a later version renames it, <see cref="CanPrune"/> is false and nothing else changes.
/// </summary>
internal static class SqlitePoolGroups
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromSeconds(1);
    private static readonly Action? PrunePass = FindPrunePass();
    private static Timer? s_timer;

    /// <summary>Whether this version of Microsoft.Data.Sqlite has the prune pass this calls.</summary>
    public static bool CanPrune => PrunePass is not null;

    /// <summary>Runs one prune pass now: a group unused since the pass before last is forgotten.</summary>
    public static void Prune() => PrunePass?.Invoke();

    /// <summary>Starts pruning every second for the rest of the process; later calls do nothing.</summary>
    public static void StartPruning()
    {
        if (PrunePass is null || s_timer is not null)
        {
            return;
        }

        var timer = new Timer(_ => Prune(), null, Timeout.Infinite, Timeout.Infinite);
        if (Interlocked.CompareExchange(ref s_timer, timer, null) is null)
        {
            timer.Change(PruneEvery, PruneEvery);
        }
        else
        {
            timer.Dispose();
        }
    }

    // The string literal lets the trimmer keep the members read here (native AOT).
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields | DynamicallyAccessedMemberTypes.NonPublicMethods,
        "Microsoft.Data.Sqlite.SqliteConnectionFactory", "Microsoft.Data.Sqlite")]
    private static Action? FindPrunePass()
    {
        var factory = Type.GetType("Microsoft.Data.Sqlite.SqliteConnectionFactory, Microsoft.Data.Sqlite");
        var instance = factory?.GetField("Instance", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
        var prune = factory?.GetMethod("PruneCallback", BindingFlags.NonPublic | BindingFlags.Instance, [typeof(object)]);
        // The pass must take the factory's reader-writer lock (Microsoft.Data.Sqlite 9 and later), so that it can run beside the library's own timer.
        var locked = factory?.GetField("_lock", BindingFlags.NonPublic | BindingFlags.Instance)?.FieldType == typeof(ReaderWriterLockSlim);
        return instance is null || prune is null || !locked ? null : () => prune.Invoke(instance, [null]);
    }
}

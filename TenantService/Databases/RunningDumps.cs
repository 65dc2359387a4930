using System.Collections.Concurrent;
using Tenancy.Databases;

namespace TenantService.Databases;

/// <summary>
/// The databases being dumped right now: one dump per database at a time, whoever asks (the platform API or the
/// user's <c>/dump.sql</c>), so a tenant cannot keep several cores busy writing its data out.
/// </summary>
internal sealed class RunningDumps
{
    private readonly ConcurrentDictionary<DatabaseName, byte> _running = new();

    /// <summary>Marks <paramref name="database"/> as being dumped until the returned run is disposed; null if it already is.</summary>
    public IDisposable? TryStart(DatabaseName database) =>
        _running.TryAdd(database, 0) ? new Run(_running, database) : null;

    private sealed class Run(ConcurrentDictionary<DatabaseName, byte> running, DatabaseName database) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                running.TryRemove(database, out _);
            }
        }
    }
}

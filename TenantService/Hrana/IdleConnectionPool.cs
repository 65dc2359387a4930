using Microsoft.Data.Sqlite;
using Tenancy.Databases;
using TenantService.Databases;

namespace TenantService.Hrana;

/// <summary>
/// Keeps the connections of closed streams for the next stream on the same database: opening a guarded
/// connection costs far more than a point query. Only connections left as fresh ones are kept (autocommit, no
/// PRAGMA or temporary objects), keyed by the database's id so a database deleted and created again never gets
/// an old file's connection; idle ones close after half a minute.
/// </summary>
internal sealed class IdleConnectionPool(TenantDatabaseFactory factory, TimeProvider timeProvider) : IDisposable
{
    private const int MaxPerDatabase = 8;
    private const int MaxTotal = 256;
    private static readonly TimeSpan IdleLifetime = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, Stack<(SqliteConnection Connection, long ReturnedAt)>> _idle = [];
    private int _count;

    /// <summary>An idle connection of <paramref name="entry"/>, or a newly opened one.</summary>
    /// <exception cref="FileNotFoundException">The database has no file.</exception>
    public SqliteConnection Rent(DatabaseEntry entry)
    {
        lock (_lock)
        {
            if (_idle.TryGetValue(entry.DbId, out var stack) && stack.TryPop(out var idle))
            {
                _count--;
                return idle.Connection;
            }
        }

        return factory.Open(entry.Name, entry.Kind, entry.Schema?.Value);
    }

    /// <summary>Keeps <paramref name="connection"/> for reuse, or closes it when the pool is full.</summary>
    public void Return(DatabaseEntry entry, SqliteConnection connection)
    {
        lock (_lock)
        {
            if (!_idle.TryGetValue(entry.DbId, out var stack))
            {
                _idle[entry.DbId] = stack = new();
            }

            if (_count < MaxTotal && stack.Count < MaxPerDatabase)
            {
                stack.Push((connection, timeProvider.GetTimestamp()));
                _count++;
                return;
            }
        }

        connection.Dispose();
    }

    /// <summary>Closes connections idle longer than their lifetime.</summary>
    public void Sweep()
    {
        List<SqliteConnection>? expired = null;
        lock (_lock)
        {
            foreach (var (id, stack) in _idle.ToList())
            {
                var kept = stack.Where(idle => timeProvider.GetElapsedTime(idle.ReturnedAt) <= IdleLifetime).Reverse().ToList();
                if (kept.Count == stack.Count)
                {
                    continue;
                }

                (expired ??= []).AddRange(stack.Where(idle => !kept.Contains(idle)).Select(idle => idle.Connection));
                _count -= stack.Count - kept.Count;
                if (kept.Count == 0)
                {
                    _idle.Remove(id);
                }
                else
                {
                    _idle[id] = new(kept);
                }
            }
        }

        foreach (var connection in expired ?? [])
        {
            connection.Dispose();
        }
    }

    public void Dispose()
    {
        List<SqliteConnection> all;
        lock (_lock)
        {
            all = [.. _idle.Values.SelectMany(stack => stack.Select(idle => idle.Connection))];
            _idle.Clear();
            _count = 0;
        }

        foreach (var connection in all)
        {
            connection.Dispose();
        }
    }
}

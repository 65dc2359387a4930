using Tenancy.Databases;
using Tenancy.Metadata;

namespace Tenancy.Connections;

/// <summary>
/// The records of tenants closed lately to stay within the bound, so opening one again needs no directory lookup. The
/// cache keeps them current with the same events as open tenants. Two generations of at most half the capacity each:
/// when the newer fills, the older is dropped whole. Not thread-safe: the cache calls it under its lock.
/// </summary>
internal sealed class RememberedRecords(int capacity)
{
    private Dictionary<DatabaseName, TenantRecord> _newer = [];
    private Dictionary<DatabaseName, TenantRecord> _older = [];

    public void Remember(TenantRecord record)
    {
        if (capacity < 2)
        {
            return;
        }

        _older.Remove(record.Name);
        _newer[record.Name] = record;
        if (_newer.Count >= capacity / 2)
        {
            (_older, _newer) = (_newer, _older);
            _newer.Clear();
        }
    }

    public TenantRecord? Take(DatabaseName name) =>
        _newer.Remove(name, out var record) || _older.Remove(name, out record) ? record : null;

    public void Forget(DatabaseName name)
    {
        _newer.Remove(name);
        _older.Remove(name);
    }

    public void Clear()
    {
        _newer.Clear();
        _older.Clear();
    }
}

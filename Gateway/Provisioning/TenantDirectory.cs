using System.Collections.Concurrent;

namespace Gateway.Provisioning;

/// <summary>
/// The tenant databases this gateway knows to exist, so a signed-in request costs no round trip.
/// Fed by provisioning results and tenant metadata; a deletion event makes it forget.
/// </summary>
internal sealed class TenantDirectory
{
    private readonly ConcurrentDictionary<string, byte> known = new(StringComparer.Ordinal);

    public bool IsKnown(string database) => known.ContainsKey(database);

    public void Remember(string database) => known.TryAdd(database, 0);

    public void Forget(string database) => known.TryRemove(database, out _);
}

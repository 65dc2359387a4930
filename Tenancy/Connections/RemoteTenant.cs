using LibsqlClient;
using Tenancy.Metadata;

namespace Tenancy.Connections;

/// <summary>
/// A tenant whose database lives on a remote libSQL server: its client, handed out as <see cref="RemoteTenantSession"/>s.
/// It holds no connection of its own (they are its backend's, shared), so closing it only stops new sessions, and
/// sessions still out finish their statement.
/// </summary>
internal sealed class RemoteTenant(TenantRecord record, LibsqlDatabase database, DatabasePlacement placement, TimeSpan timeout, Action<RemoteTenant> gone)
    : CachedTenant(record)
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _closed;

    public override string Backend => placement.Backend;

    public DatabasePlacement Placement => placement;

    public LibsqlDatabase Database => database;

    /// <summary>How long one statement may take (<see cref="TenantConnectionCacheOptions.RemoteTimeout"/>).</summary>
    public TimeSpan Timeout => timeout;

    // Nothing waits for sessions out: they hold no file here, and the remote server closes its own on a delete.
    public override Task Drained => _drained.Task;

    /// <summary>A session, or null when this tenant was closed meanwhile (the caller reloads).</summary>
    public RemoteTenantSession? Session(TenantAccessMode mode) => _closed ? null : new RemoteTenantSession(this, Record, mode);

    /// <summary>The server said the database does not exist: the cache forgets this tenant.</summary>
    public void Gone() => gone(this);

    public override void Close()
    {
        _closed = true;
        _drained.TrySetResult();
    }
}

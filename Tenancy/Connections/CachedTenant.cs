using Tenancy.Metadata;
using Tenancy.Storage;

namespace Tenancy.Connections;

/// <summary>
/// One tenant the <see cref="TenantConnectionCache"/> keeps open, wherever its database lives: its record, its write gate
/// and its place in the cache's recency order. <see cref="TenantConnections"/> holds a local file's connections,
/// <see cref="RemoteTenant"/> a remote libSQL database's client.
/// </summary>
internal abstract class CachedTenant(TenantRecord record)
{
    public TenantRecord Record { get; set; } = record;

    public WriteGate Gate { get; } = new();

    public long LastUsed { get; set; }

    public LinkedListNode<CachedTenant>? Node { get; set; }

    /// <summary>The storage backend that holds the database (<see cref="StorageBackend.Local"/> for this node's files): the tag of its metrics.</summary>
    public abstract string Backend { get; }

    /// <summary>Completes once closed and nothing handed out still holds a connection.</summary>
    public abstract Task Drained { get; }

    /// <summary>Open streams keep the tenant from being evicted: closing would roll back their transactions.</summary>
    public virtual bool HasStreams => false;

    /// <summary>Moves on when the schema may have changed: cached prepared statements are prepared again.</summary>
    public virtual void InvalidateStatements()
    {
    }

    /// <summary>Hands nothing new out; what is out closes when it comes back.</summary>
    public abstract void Close();
}

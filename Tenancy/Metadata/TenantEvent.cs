using Tenancy.Databases;

namespace Tenancy.Metadata;

/// <summary>What happened to a database.</summary>
public enum TenantEventType
{
    /// <summary>The database was created.</summary>
    Created,

    /// <summary>The database was deleted.</summary>
    Deleted,

    /// <summary>A migration started on the database (writes may be blocked).</summary>
    Migrating,

    /// <summary>A migration finished on the database; <see cref="TenantEvent.Version"/> is the new version.</summary>
    Migrated,
}

/// <summary>A change to a database, announced on <see cref="RedisKeys.EventsChannel"/> so services drop stale caches.</summary>
/// <param name="Type">What happened.</param>
/// <param name="Name">The database.</param>
/// <param name="Version">Its schema version after the change.</param>
/// <param name="BlockWrites">Whether writes are blocked after the change; <c>null</c> for deletions.</param>
public sealed record TenantEvent(TenantEventType Type, DatabaseName Name, long Version, bool? BlockWrites);

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

    /// <summary>A delete that had closed the database everywhere was called off: the database stays and may be opened again.</summary>
    Reopened,
}

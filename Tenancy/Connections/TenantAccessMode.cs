namespace Tenancy.Connections;

/// <summary>What a caller will do with a tenant connection.</summary>
public enum TenantAccessMode
{
    /// <summary>A short read: the writer connection when it is free (so most tenants keep one connection open), else a reader; statements that write are refused.</summary>
    Read,

    /// <summary>Only reads, possibly for long (a dump, a copy): always one of the reader connections, so writes go on meanwhile.</summary>
    LongRead,

    /// <summary>Writes: the tenant's single writer connection, once no migration blocks writes.</summary>
    Write,

    /// <summary>
    /// The platform's own schema work (a migration): the writer connection, not held back by a block. Holds this
    /// process's write gate for the lease and first ends the tenant's streams' write transactions (after a grace time).
    /// </summary>
    Maintenance,
}

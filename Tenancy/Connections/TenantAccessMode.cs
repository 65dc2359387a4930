namespace Tenancy.Connections;

/// <summary>What a caller will do with a tenant connection.</summary>
public enum TenantAccessMode
{
    /// <summary>Only reads, short ones: the writer connection while it is free (refused any change), else one of the tenant's readers.</summary>
    Read,

    /// <summary>Writes: the tenant's single writer connection, once no migration blocks writes.</summary>
    Write,

    /// <summary>
    /// The platform's own schema work (a migration): the writer connection, not held back by a block. Holds this
    /// process's write gate for the lease and first ends the tenant's streams' write transactions (after a grace time).
    /// </summary>
    Maintenance,

    /// <summary>
    /// Only reads that may run long (a dump, a copy): always a read-only reader connection, so the tenant's writes go on beside it.
    /// </summary>
    LongRead,
}

namespace Tenancy.Connections;

/// <summary>What a caller will do with a tenant connection.</summary>
public enum TenantAccessMode
{
    /// <summary>Only reads: one of the tenant's reader connections.</summary>
    Read,

    /// <summary>Writes: the tenant's single writer connection, once no migration blocks writes.</summary>
    Write,

    /// <summary>
    /// The platform's own schema work (a migration): the writer connection, not held back by a block. Holds this
    /// process's write gate for the lease and first ends the tenant's streams' write transactions (after a grace time).
    /// </summary>
    Maintenance,
}

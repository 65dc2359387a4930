namespace Tenancy.Connections;

/// <summary>What a caller will do with a tenant connection.</summary>
public enum TenantAccessMode
{
    /// <summary>Only reads: one of the tenant's reader connections.</summary>
    Read,

    /// <summary>Writes: the tenant's single writer connection, once no migration blocks writes.</summary>
    Write,
}

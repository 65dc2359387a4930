using Tenancy.Databases;

namespace Tenancy.Connections;

/// <summary>
/// A remote tenant database's server answered that the database does not exist (it was deleted there): the tenant is
/// gone. The connection cache forgets it, so the next request reads its record again.
/// </summary>
public sealed class TenantNotFoundException(DatabaseName database, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The tenant database.</summary>
    public DatabaseName Database { get; } = database;
}

using Tenancy.Databases;

namespace TenantService.Databases;

/// <summary>One row of platform.db's <c>databases</c> table: a database the platform knows about.</summary>
internal sealed record DatabaseEntry(
    DatabaseName Name,
    Guid DbId,
    DatabaseKind Kind,
    DatabaseName? Schema,
    string Group,
    int Version,
    DateTimeOffset CreatedAt,
    bool BlockReads = false,
    bool BlockWrites = false)
{
    public const string DefaultGroup = "default";
}

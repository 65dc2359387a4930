using Tenancy.Databases;
using Tenancy.Metadata;

namespace TenantService.Catalog;

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
    bool BlockWrites = false,
    DatabasePlacement? Placement = null)
{
    public const string DefaultGroup = "default";

    /// <summary>The metadata services see: what Redis and the connection cache hold.</summary>
    public TenantRecord ToRecord() => new(Name, Kind, Schema?.Value, Version, BlockWrites, BlockReads, CreatedAt, Placement);

    /// <summary>The storage backend that holds it, or <c>local</c> for this node's files.</summary>
    public string Storage => Placement?.Backend ?? Tenancy.Storage.StorageBackend.Local;
}

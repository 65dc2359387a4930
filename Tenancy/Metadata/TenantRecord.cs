using Tenancy.Databases;

namespace Tenancy.Metadata;

/// <summary>
/// The cached metadata of one database, as services read it from Redis. <c>platform.db</c> is the source of truth;
/// this copy can be rebuilt at any time with <see cref="TenantMetadataStore.RepublishAllAsync"/>.
/// </summary>
/// <param name="Name">The database.</param>
/// <param name="Kind">Schema, child or standalone (never <see cref="DatabaseKind.Platform"/>).</param>
/// <param name="Schema">For a child, the schema database it follows.</param>
/// <param name="Version">The schema version the database is at.</param>
/// <param name="BlockWrites">Writes are refused (for example during a migration).</param>
/// <param name="BlockReads">Reads are refused.</param>
/// <param name="CreatedAt">When the database was created.</param>
/// <param name="Placement">Where it lives when remote; <c>null</c> for this node's files.</param>
public sealed record TenantRecord(
    DatabaseName Name,
    DatabaseKind Kind,
    string? Schema,
    long Version,
    bool BlockWrites,
    bool BlockReads,
    DateTimeOffset CreatedAt,
    DatabasePlacement? Placement = null);

using Tenancy.Databases;
using TenantService.Catalog;

namespace TenantService.Databases;

/// <summary>A validated request for a new database: a schema database, a child of one, a copy of a seed, one from a prepared snapshot, or a plain one.</summary>
internal sealed record DatabaseSpec(
    DatabaseName Name,
    string Group = DatabaseEntry.DefaultGroup,
    bool IsSchema = false,
    DatabaseName? Schema = null,
    DatabaseName? Seed = null,
    Backups.PreparedSeed? Prepared = null);

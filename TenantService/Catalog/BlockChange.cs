using Tenancy.Databases;

namespace TenantService.Catalog;

/// <summary>A database's live blocks as they are to be recorded; with <paramref name="Version"/> also its new schema version.</summary>
internal readonly record struct BlockChange(DatabaseName Name, bool BlockWrites, bool BlockReads, int? Version = null);

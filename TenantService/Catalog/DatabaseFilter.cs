using Tenancy.Databases;

namespace TenantService.Catalog;

/// <summary>Which databases a listing returns; every set criterion must match.</summary>
internal sealed record DatabaseFilter(DatabaseName? Schema = null, DatabaseKind? Kind = null, string? Group = null);

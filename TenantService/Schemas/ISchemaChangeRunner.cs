using Tenancy.Databases;

namespace TenantService.Schemas;

/// <summary>
/// Brings a schema database and every child of it to a version by running that version's SQL.
/// The seam for the migrations feature: today <see cref="DirectSchemaChangeRunner"/> applies built-in
/// schema files in place at start; migration jobs will take over this interface.
/// </summary>
internal interface ISchemaChangeRunner
{
    /// <summary>Runs <paramref name="sql"/> on the schema database and each child still below <paramref name="version"/>.</summary>
    Task ApplyAsync(DatabaseName schema, long version, string sql, CancellationToken cancellationToken);
}

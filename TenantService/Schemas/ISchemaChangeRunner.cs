using Tenancy.Databases;

namespace TenantService.Schemas;

/// <summary>
/// Brings a schema database and every child of it to a version by running that version's SQL.
/// Implemented by <see cref="Migrations.MigrationRunner"/>: each built-in schema file becomes a migration job
/// (dry run, rolling write block, children first, schema database last), the path the migrations API takes.
/// </summary>
internal interface ISchemaChangeRunner
{
    /// <summary>Runs <paramref name="sql"/> on the schema database and each child still below <paramref name="version"/>.</summary>
    Task ApplyAsync(DatabaseName schema, long version, string sql, CancellationToken cancellationToken);
}

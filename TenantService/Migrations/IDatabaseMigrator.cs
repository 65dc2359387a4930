using TenantService.Catalog;

namespace TenantService.Migrations;

/// <summary>
/// Runs a migration's SQL on one database in one transaction, wherever the database lives: <see cref="DatabaseMigrator"/>
/// on this node's files, <see cref="RemoteDatabaseMigrator"/> on a storage backend, chosen per database by <see cref="PlacementMigrator"/>.
/// </summary>
internal interface IDatabaseMigrator
{
    /// <summary>Gets the database ready before its write block starts, so the block does not wait for opens.</summary>
    Task OpenAheadAsync(DatabaseEntry entry, CancellationToken cancellationToken);

    /// <summary>Runs the SQL and rolls it back: would it apply?</summary>
    Task<DatabaseMigration> DryRunAsync(DatabaseEntry entry, string sql, long targetVersion, CancellationToken cancellationToken);

    /// <summary>Runs the SQL and commits it; the result's version is <paramref name="targetVersion"/> when it applied.</summary>
    Task<DatabaseMigration> ApplyAsync(DatabaseEntry entry, string sql, long targetVersion, CancellationToken cancellationToken);
}

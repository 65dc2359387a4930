using TenantService.Catalog;

namespace TenantService.Migrations;

/// <summary>The migrator of each database's place: its file here, or its storage backend.</summary>
internal sealed class PlacementMigrator(DatabaseMigrator local, RemoteDatabaseMigrator remote) : IDatabaseMigrator
{
    public Task OpenAheadAsync(DatabaseEntry entry, CancellationToken cancellationToken) => For(entry).OpenAheadAsync(entry, cancellationToken);

    public Task<DatabaseMigration> DryRunAsync(DatabaseEntry entry, string sql, long targetVersion, CancellationToken cancellationToken) =>
        For(entry).DryRunAsync(entry, sql, targetVersion, cancellationToken);

    public Task<DatabaseMigration> ApplyAsync(DatabaseEntry entry, string sql, long targetVersion, CancellationToken cancellationToken) =>
        For(entry).ApplyAsync(entry, sql, targetVersion, cancellationToken);

    private IDatabaseMigrator For(DatabaseEntry entry) => entry.Placement is null ? local : remote;
}

using Tenancy.Databases;
using TenantService.Apis;
using TenantService.Catalog;

namespace TenantService.Backups;

/// <summary>
/// Turns a create's <c>seed</c> into a prepared snapshot when it asks for one: <c>{"type": "database", "timestamp"}</c>
/// branches a live database as of its latest snapshot at or before the time; <c>{"type": "backup"}</c> brings a database
/// back from its snapshots (the newest, or the latest at or before <c>timestamp</c>), deleted or not, as what it was
/// (a child of its schema when that schema still exists), at its schema's current version.
/// </summary>
internal sealed class SnapshotSeeds(DatabaseCatalog catalog, SnapshotStore store, SnapshotPreparer preparer, TenantDatabaseFactory factory)
{
    /// <summary>Null and no problem when the seed is a plain copy of a live database, which the provisioner makes itself.</summary>
    public (PreparedSeed? Seed, SeedProblem? Problem) Prepare(DatabaseSeed seed, DatabaseName name, bool isSchema)
    {
        var source = DatabaseName.Parse(seed.Name!);
        DateTimeOffset? at = seed.Timestamp is { } text && BackupTime.TryParse(text, out var parsed) ? parsed : null;
        if (seed.Type == DatabaseSeed.DatabaseType && at is null)
        {
            return (null, null);
        }

        DatabaseKind kind;
        DatabaseName? schemaName;
        string? group = null;
        if (seed.Type == DatabaseSeed.DatabaseType)
        {
            if (catalog.Find(source) is not { } live)
            {
                return (null, new SeedProblem(StatusCodes.Status404NotFound, $"seed database '{source}' not found"));
            }

            (kind, schemaName) = (live.Kind, live.Schema);
        }
        else
        {
            // Without a record of what it was, a database comes back standalone.
            var descriptor = store.ReadDescriptor(source);
            kind = descriptor?.Kind switch { "child" => DatabaseKind.Child, "schema" => DatabaseKind.Schema, _ => DatabaseKind.Standalone };
            schemaName = descriptor?.Schema is { } schemaText ? DatabaseName.Parse(schemaText) : null;
            group = descriptor?.Group;
        }

        var snapshots = store.List(source);
        if (snapshots.Count == 0)
        {
            return (null, new SeedProblem(StatusCodes.Status404NotFound, $"database '{source}' has no backups"));
        }

        if ((at is { } time ? snapshots.FirstOrDefault(snapshot => snapshot.TakenAt <= time) : snapshots[0]) is not { } chosen)
        {
            return (null, new SeedProblem(StatusCodes.Status400BadRequest,
                $"'seed.timestamp' {BackupTime.Format(at!.Value)} is before the oldest snapshot of '{source}' ({BackupTime.Format(snapshots[^1].TakenAt)})"));
        }

        // A child whose schema is gone stands alone; a schema database's copy follows its own migrations.
        var schema = kind switch
        {
            DatabaseKind.Child => schemaName is { } named ? catalog.Find(named) : null,
            DatabaseKind.Schema => catalog.Find(source) is { Kind: DatabaseKind.Schema } self ? self : null,
            _ => null,
        };
        if (kind == DatabaseKind.Child && schema is null)
        {
            kind = DatabaseKind.Standalone;
        }

        if (isSchema)
        {
            kind = DatabaseKind.Schema;
        }

        try
        {
            var file = preparer.Prepare(chosen, kind, schema, factory.Layout.DatabasePath(name));
            return (new PreparedSeed(file, kind, kind == DatabaseKind.Child ? schema!.Name : null, group), null);
        }
        catch (SnapshotNotMigratableException exception)
        {
            return (null, new SeedProblem(StatusCodes.Status409Conflict, exception.Message));
        }
    }
}

using Microsoft.Data.Sqlite;
using Tenancy.Connections;
using Tenancy.Databases;
using Tenancy.Metadata;
using Tenancy.Storage;
using TenantService.Catalog;
using TenantService.Metadata;
using TenantService.Storage;

namespace TenantService.Databases;

/// <summary>
/// Creates and deletes databases so that a crash at any point leaves either no database or a whole one:
/// the file is written in full under a temporary name and renamed into place (durably), and only then
/// is its record inserted; a delete first closes the database in every service (<see cref="DatabaseCloser"/>), then
/// takes the final backup, removes the record, then the file. A file without a record is therefore half-made or
/// half-deleted, and <see cref="DatabaseReconciler"/> removes it at start.
/// New children and plain databases go where <see cref="PlacementPolicy"/> says: a storage backend's database is made
/// there first (<see cref="BackendDatabases"/>), then recorded here; its delete dumps it to backups/ before it goes.
/// </summary>
internal sealed partial class DatabaseProvisioner(
    DatabaseCatalog catalog,
    CatalogFlush catalogFlush,
    ChildTemplates templates,
    ChildFilePool pool,
    TenantDatabaseFactory factory,
    TenantConnectionCache connections,
    DatabaseNameLocks locks,
    SchemaChangeLocks schemaLocks,
    MetadataPublisher metadata,
    DatabaseCloser closer,
    Backups.SnapshotPreparer preparer,
    PlacementPolicy placement,
    BackendDatabases backendDatabases,
    TimeProvider timeProvider,
    PlatformOptions options,
    ILogger<DatabaseProvisioner> logger)
{
    public async Task<ProvisionResult> CreateAsync(DatabaseSpec spec, CancellationToken cancellationToken)
    {
        using (await locks.AcquireAsync(spec.Name, cancellationToken))
        {
            // Schema databases, copies and restores stay in this node's files: templates, seeds and snapshots are files here.
            var backend = spec is { IsSchema: false, Seed: null, Prepared: null } ? placement.Choose(spec.Name) : null;
            var result = backend is null ? await RecordAsync(spec, cancellationToken) : await RecordRemoteAsync(spec, backend, cancellationToken);
            if (result is not { Outcome: ProvisionOutcome.Created, Entry: { } entry })
            {
                return result;
            }

            if (options.DurableCreates)
            {
                // Nothing is acknowledged before it would survive a power loss: the record (and its pending move) on disk.
                // Outside the schema's lock, so concurrent creates of one schema's children share a flush.
                await catalogFlush.FlushAsync();
            }

            // Announced under the schema's lock again, as it is now: a job's final sweep may have migrated it meanwhile, and
            // its own announcement must not be overtaken by an older version.
            // Not cancelled: the record is committed, and a client that gave up must not leave it unannounced.
            using (SchemaOf(spec) is { } followed ? await schemaLocks.ShareAsync(followed, CancellationToken.None) : default)
            {
                var current = catalog.Find(entry.Name) ?? entry;
                LogCreated(logger, current.Name.Value, KindName(current.Kind), current.Schema?.Value, current.Version);
                await metadata.PublishAsync(current, TenantEventType.Created);
                return result with { Entry = current };
            }
        }
    }

    public async Task<RemovalResult> DeleteAsync(DatabaseName name, CancellationToken cancellationToken)
    {
        using (await locks.AcquireAsync(name, cancellationToken))
        {
            if (catalog.Find(name) is not { } entry)
            {
                return new RemovalResult(RemovalOutcome.NotFound);
            }

            if (entry.Kind == DatabaseKind.Schema && catalog.CountChildren(name) is > 0 and var count)
            {
                return new RemovalResult(RemovalOutcome.HasChildren, count);
            }

            // No service may hold a connection when the final backup is taken: a write acknowledged after it would be lost.
            if (!await closer.CloseEverywhereAsync(entry))
            {
                return new RemovalResult(RemovalOutcome.Busy);
            }

            if (entry.Placement is { } remote)
            {
                return await DeleteRemoteAsync(entry, remote, cancellationToken);
            }

            var path = factory.Layout.DatabasePath(name);
            string? backup;
            try
            {
                backup = BackUp(entry, path);
            }
            catch
            {
                await closer.ReopenAsync(entry);
                throw;
            }

            // Checks for children again in the same step as the delete: a child may have been created meanwhile.
            if (catalog.Delete(name, out var children) is var outcome && outcome != CatalogDeleteOutcome.Deleted)
            {
                await closer.ReopenAsync(entry);
                return outcome == CatalogDeleteOutcome.HasChildren
                    ? new RemovalResult(RemovalOutcome.HasChildren, children)
                    : new RemovalResult(RemovalOutcome.NotFound);
            }

            templates.Forget(name);
            pool.Forget(name);
            DurableFile.DeleteDatabase(path);
            LogDeleted(logger, name.Value, backup);
            await metadata.RemoveAsync(name);
            return new RemovalResult(RemovalOutcome.Deleted);
        }
    }

    /// <summary>
    /// A database on a storage backend: the dump is written to backups/ first (a user's data is not lost with the backend's
    /// copy), then the backend deletes it, then the record goes. A failure before the record goes reopens the database.
    /// </summary>
    private async Task<RemovalResult> DeleteRemoteAsync(DatabaseEntry entry, DatabasePlacement remote, CancellationToken cancellationToken)
    {
        string? backup = null;
        try
        {
            try
            {
                backup = await backendDatabases.DumpToBackupAsync(entry, cancellationToken);
            }
            catch (StorageBackendException exception) when (exception.Failure == StorageFailure.NotFound)
            {
                // Gone there already (a delete cut short after the backend's part): its dump was kept then.
                LogNothingToBackUp(logger, entry.Name.Value, $"{remote.Backend}: {remote.Url}");
            }

            await backendDatabases.DeleteAsync(entry, cancellationToken);
        }
        catch (StorageBackendException exception)
        {
            await closer.ReopenAsync(entry);
            throw new StorageBackendException(exception.Backend, exception.Failure, $"{exception.Message}; nothing was deleted, retry", exception.RetryAfter, exception);
        }
        catch
        {
            await closer.ReopenAsync(entry);
            throw;
        }

        if (catalog.Delete(entry.Name, out _) != CatalogDeleteOutcome.Deleted)
        {
            return new RemovalResult(RemovalOutcome.NotFound);
        }

        LogDeleted(logger, entry.Name.Value, backup);
        await metadata.RemoveAsync(entry.Name);
        return new RemovalResult(RemovalOutcome.Deleted);
    }

    /// <summary>
    /// Makes the database on <paramref name="backend"/> (a plain one, with its schema's tables run there in one transaction),
    /// then records it here, under its schema's lock as a local child is, at the version its tables came from. If a
    /// migration moved the schema on while the backend worked, the database is made again from the new version.
    /// </summary>
    private async Task<ProvisionResult> RecordRemoteAsync(DatabaseSpec spec, StorageBackend backend, CancellationToken cancellationToken)
    {
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            if (Taken(spec.Name) is { } taken)
            {
                return taken;
            }

            var template = default(ChildTemplate);
            if (spec.Schema is { } schema && (template = TemplateOf(schema)) is null)
            {
                return new ProvisionResult(ProvisionOutcome.SchemaNotFound);
            }

            var placed = await backendDatabases.CreateAsync(backend, spec.Name, template?.Statements ?? [], cancellationToken);
            // Not cancelled from here: the database exists there, and is either recorded or taken back.
            using (spec.Schema is { } followed ? await schemaLocks.ShareAsync(followed, CancellationToken.None) : default)
            {
                if (template is null || TemplateOf(spec.Schema!.Value)?.Version == template.Version)
                {
                    var entry = NewEntry(spec, template is null ? DatabaseKind.Standalone : DatabaseKind.Child, spec.Schema, template?.Version ?? 0) with { Placement = placed };
                    var outcome = catalog.TryInsert(entry);
                    if (outcome == CatalogInsertOutcome.Inserted)
                    {
                        LogPlaced(logger, spec.Name.Value, backend.Name, placed.Url);
                        return new ProvisionResult(ProvisionOutcome.Created, entry);
                    }

                    await backendDatabases.AbandonAsync(backend, spec.Name);
                    return new ProvisionResult(outcome == CatalogInsertOutcome.NameTaken ? ProvisionOutcome.AlreadyExists : ProvisionOutcome.SchemaNotFound);
                }
            }

            await backendDatabases.AbandonAsync(backend, spec.Name);
            LogSchemaMoved(logger, spec.Name.Value, spec.Schema!.Value.Value, attempt);
            if (attempt == attempts)
            {
                throw new StorageBackendException(backend.Name, StorageFailure.Unavailable,
                    $"schema database '{spec.Schema}' was migrated while '{spec.Name}' was being created on storage backend '{backend.Name}', {attempts} times; nothing was created, retry");
            }
        }
    }

    private ChildTemplate? TemplateOf(DatabaseName schema)
    {
        if (catalog.Find(schema) is not { Kind: DatabaseKind.Schema })
        {
            return null;
        }

        try
        {
            return templates.Get(schema);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Writes the file and commits its record, under its schema's lock; not yet flushed nor announced.</summary>
    private async Task<ProvisionResult> RecordAsync(DatabaseSpec spec, CancellationToken cancellationToken)
    {
        // A new child is copied and recorded under its schema's migration lock, so a job's final sweep cannot miss it.
        using (SchemaOf(spec) is { } followed ? await schemaLocks.ShareAsync(followed, cancellationToken) : default)
        {
            if (Taken(spec.Name) is { } taken)
            {
                return taken;
            }

            var path = factory.Layout.DatabasePath(spec.Name);
            if (spec.Prepared is { } snapshotSeed)
            {
                var (caughtUp, problem) = CatchUp(snapshotSeed);
                if (problem is not null)
                {
                    return new ProvisionResult(ProvisionOutcome.SeedNotMigratable, Problem: problem);
                }

                spec = spec with { Prepared = caughtUp };
            }

            var (entry, movedFrom) = spec switch
            {
                { Prepared: { } prepared } => (FromPrepared(spec, prepared, path), null),
                { Seed: { } seed } => (await CopySeedAsync(spec, seed, path), null),
                { Schema: { } schema } => CopySchema(spec, schema, path),
                _ => (WriteEmpty(spec, path), null),
            };
            if (entry is null)
            {
                return new ProvisionResult(spec.Seed is null ? ProvisionOutcome.SchemaNotFound : ProvisionOutcome.SeedNotFound);
            }

            var outcome = catalog.TryInsert(entry, movedFrom);
            if (outcome != CatalogInsertOutcome.Inserted)
            {
                // The name lock keeps other creates away, so this file is ours to take back.
                DurableFile.DeleteDatabase(path);
                return new ProvisionResult(outcome == CatalogInsertOutcome.NameTaken ? ProvisionOutcome.AlreadyExists : ProvisionOutcome.SchemaNotFound);
            }

            return new ProvisionResult(ProvisionOutcome.Created, entry);
        }
    }

    /// <summary>Why <paramref name="name"/> cannot be created here: recorded already, or a file without its record; null when free.</summary>
    private ProvisionResult? Taken(DatabaseName name)
    {
        if (catalog.Find(name) is not null)
        {
            return new ProvisionResult(ProvisionOutcome.AlreadyExists);
        }

        var path = factory.Layout.DatabasePath(name);
        if (!File.Exists(path))
        {
            return null;
        }

        // Start-up removed every half-made file, so this one is a database whose record was lost: never overwrite it.
        LogFileWithoutRecord(logger, name.Value, path);
        return new ProvisionResult(ProvisionOutcome.FileWithoutRecord);
    }

    private DatabaseName? SchemaOf(DatabaseSpec spec) =>
        spec.Schema ?? spec.Prepared?.Schema ?? (spec.Seed is { } seed && catalog.Find(seed) is { Kind: DatabaseKind.Child } source ? source.Schema : null);

    /// <summary>A child from its schema's template: a pool file renamed into place (its name returned, for the pending move) or a file written here.</summary>
    private (DatabaseEntry? Entry, string? MovedFrom) CopySchema(DatabaseSpec spec, DatabaseName schema, string path)
    {
        if (TemplateOf(schema) is not { } template)
        {
            return (null, null);
        }

        string? movedFrom = null;
        if (pool.TryTake(schema, template, out var prepared))
        {
            // The folder is flushed later for many creates at once (PendingMoves); the record's flush makes this one durable.
            DurableFile.MoveFlushed(prepared, path, flushDirectory: false);
            movedFrom = Path.GetFileName(prepared);
        }
        else
        {
            DurableFile.Write(path, template.Content, options.DurableCreates);
        }

        return (NewEntry(spec, DatabaseKind.Child, schema, template.Version), movedFrom);
    }

    private async Task<DatabaseEntry?> CopySeedAsync(DatabaseSpec spec, DatabaseName seed, string path)
    {
        if (catalog.Find(seed) is not { } source)
        {
            return null;
        }

        try
        {
            // A reader from the connection cache: a seed being deleted is refused rather than copied half-closed.
            var access = await connections.AcquireAsync(seed, TenantAccessMode.LongRead);
            if (access.Lease is not { } lease)
            {
                return null;
            }

            using (lease)
            {
                DatabaseBackup.Copy(lease.Connection, path);
            }
        }
        catch (Exception exception) when (exception is FileNotFoundException or SqliteException)
        {
            LogSeedUnreadable(logger, seed.Value, spec.Name.Value, exception);
            return null;
        }

        // A copy keeps its seed's tables: a copy of a child follows the same schema, anything else stands alone.
        var (kind, schema) = spec.IsSchema ? (DatabaseKind.Schema, (DatabaseName?)null)
            : source.Kind == DatabaseKind.Child ? (DatabaseKind.Child, source.Schema)
            : (DatabaseKind.Standalone, null);
        return NewEntry(spec, kind, schema, source.Version);
    }

    /// <summary>
    /// Brings a child's prepared file to its schema's version as it is now, under the schema's lock: a migration may have
    /// finished between its preparation and this lock, and its final sweep could not see a child not yet recorded.
    /// </summary>
    private (Backups.PreparedSeed Seed, string? Problem) CatchUp(Backups.PreparedSeed seed)
    {
        if (seed is not { Kind: DatabaseKind.Child, Schema: { } schemaName } || catalog.Find(schemaName) is not { } schema)
        {
            return (seed, null);
        }

        try
        {
            // The same temporary file, migrated in place: whoever disposes the seed still removes it if it is not moved.
            return (seed with { File = preparer.CatchUp(seed.File, seed.Kind, schema) }, null);
        }
        catch (Backups.SnapshotNotMigratableException exception)
        {
            return (seed, exception.Message);
        }
    }

    /// <summary>A database from a snapshot already copied beside its destination and brought to its schema's version (branch, undelete).</summary>
    private DatabaseEntry FromPrepared(DatabaseSpec spec, Backups.PreparedSeed prepared, string path)
    {
        DurableFile.MoveFlushed(prepared.File.TemporaryPath, path, options.DurableCreates);
        return NewEntry(spec, prepared.Kind, prepared.Schema, prepared.File.Version);
    }

    private DatabaseEntry WriteEmpty(DatabaseSpec spec, string path)
    {
        DurableFile.Write(path, templates.Empty, options.DurableCreates);
        return NewEntry(spec, spec.IsSchema ? DatabaseKind.Schema : DatabaseKind.Standalone, null, 0);
    }

    private DatabaseEntry NewEntry(DatabaseSpec spec, DatabaseKind kind, DatabaseName? schema, long version) =>
        new(spec.Name, Guid.NewGuid(), kind, schema, spec.Group, checked((int)version), timeProvider.GetUtcNow());

    private string? BackUp(DatabaseEntry entry, string path)
    {
        if (!File.Exists(path))
        {
            LogNothingToBackUp(logger, entry.Name.Value, path);
            return null;
        }

        var backupPath = factory.Layout.BackupPath(entry.Name, timeProvider.GetUtcNow());
        using var connection = factory.Open(path, entry.Kind, entry.Schema?.Value, readOnly: true);
        DatabaseBackup.Copy(connection, backupPath);
        // What it was, for an undelete once its record is gone.
        Backups.SnapshotStore.Describe(factory.Layout, entry);
        return backupPath;
    }

    internal static string KindName(DatabaseKind kind) => kind.ToString().ToLowerInvariant();

    [LoggerMessage(Level = LogLevel.Information, Message = "Created {Kind} database '{Name}' (schema '{Schema}', version {Version}).")]
    private static partial void LogCreated(ILogger logger, string name, string kind, string? schema, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted database '{Name}'; backup at '{Backup}'.")]
    private static partial void LogDeleted(ILogger logger, string name, string? backup);

    [LoggerMessage(Level = LogLevel.Information, Message = "Placed database '{Name}' on storage backend '{Backend}' at {Url}.")]
    private static partial void LogPlaced(ILogger logger, string name, string backend, Uri url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema of '{Name}' ('{Schema}') was migrated while it was created on a storage backend (attempt {Attempt}); it is made again from the new version.")]
    private static partial void LogSchemaMoved(ILogger logger, string name, string schema, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Database '{Name}' is not in platform.db but its file '{Path}' exists; refusing to overwrite it.")]
    private static partial void LogFileWithoutRecord(ILogger logger, string name, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seed database '{Seed}' could not be read to create '{Name}'.")]
    private static partial void LogSeedUnreadable(ILogger logger, string seed, string name, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database '{Name}' has a record but no file at '{Path}': deleting the record without a backup.")]
    private static partial void LogNothingToBackUp(ILogger logger, string name, string path);
}

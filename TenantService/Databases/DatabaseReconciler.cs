using Tenancy.Databases;
using TenantService.Catalog;
using TenantService.Metadata;

namespace TenantService.Databases;

/// <summary>
/// Makes the files agree with platform.db at start, after whatever crash came before:
/// temporary files are removed; a database file without a record was half-made, half-deleted (its backup already
/// taken), or is newer than a platform.db restored from a copy, so it is moved with its WAL to <c>quarantine/</c>,
/// never deleted; a record without a file comes from outside damage, or from a power
/// loss that kept the record but not the new file (only with DURABLE_CREATES off; otherwise <see cref="PendingMoves"/> redoes
/// the rename first), so it is logged as an error and dropped (its last backup, if any, stays under backups/). Exception: a
/// schema database that still has children keeps its record, so the children stay listed and deletable.
/// If platform.db itself was just created while database files exist, nothing is removed: losing the
/// records must not turn into losing every database.
/// </summary>
internal sealed partial class DatabaseReconciler(
    DatabaseCatalog catalog,
    TenantDatabaseFactory factory,
    ChildFilePool pool,
    PendingMoves pendingMoves,
    Quarantine quarantine,
    MetadataPublisher metadata,
    TimeProvider time,
    ILogger<DatabaseReconciler> logger)
{
    private const int PageSize = 1000;

    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var layout = factory.Layout;
        // First: a create whose rename a power loss took back has its record, and its file still in the pool.
        pendingMoves.Recover();
        var known = new HashSet<string>(StringComparer.Ordinal);
        var after = string.Empty;
        while (catalog.Page(after, PageSize) is { Count: > 0 } page)
        {
            foreach (var entry in page)
            {
                known.Add(entry.Name.Value);
                // A database on a storage backend has no file here to miss.
                if (entry.Placement is null && !File.Exists(layout.DatabasePath(entry.Name)))
                {
                    await DropRecordAsync(entry);
                }
            }

            after = page[^1].Name.Value;
            cancellationToken.ThrowIfCancellationRequested();
        }

        pool.Clear();
        SweepTemporaryFiles(layout.BackupsRoot);
        if (!Directory.Exists(layout.DatabasesDirectory))
        {
            return;
        }

        SweepTemporaryFiles(layout.DatabasesDirectory);
        if (catalog.WasCreated && Directory.EnumerateFiles(layout.DatabasesDirectory, "*.db", SearchOption.AllDirectories).Any())
        {
            LogPlatformDatabaseMissing(logger, layout.PlatformDatabasePath, layout.DatabasesDirectory);
            return;
        }

        var now = time.GetUtcNow();
        foreach (var path in Directory.EnumerateFiles(layout.DatabasesDirectory, "*.db", SearchOption.AllDirectories).ToList())
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (!known.Contains(name))
            {
                LogOrphanQuarantined(logger, path, quarantine.SetAside(path, now));
                // Redis may still hold its record from before platform.db was restored: services must not go on opening it.
                if (DatabaseName.TryCreate(name, out var database, out _))
                {
                    await metadata.RemoveAsync(database);
                }
            }
        }

        // SQLite side files whose database is gone.
        foreach (var path in Directory.EnumerateFiles(layout.DatabasesDirectory, "*.db-*", SearchOption.AllDirectories))
        {
            var database = path[..path.LastIndexOf('-')];
            if (!File.Exists(database))
            {
                File.Delete(path);
            }
        }
    }

    private async Task DropRecordAsync(DatabaseEntry entry)
    {
        if (catalog.Delete(entry.Name, out var children) == CatalogDeleteOutcome.HasChildren)
        {
            LogSchemaFileMissing(logger, entry.Name.Value, children);
            return;
        }

        LogRecordWithoutFile(logger, entry.Name.Value, factory.Layout.BackupsDirectory(entry.Name));
        await metadata.RemoveAsync(entry.Name);
    }

    private void SweepTemporaryFiles(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            if (DurableFile.IsTemporary(path) || IsTemporarySideFile(path))
            {
                LogTemporaryRemoved(logger, path);
                File.Delete(path);
            }
        }
    }

    private static bool IsTemporarySideFile(string path) =>
        Path.GetFileName(path).StartsWith('.') && path.Contains(DurableFile.TemporarySuffix + "-", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed '{Path}', left by an interrupted create or backup.")]
    private static partial void LogTemporaryRemoved(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moved '{Path}' to '{Quarantine}': platform.db has no record of it (an interrupted create or delete, or a platform.db restored from an older copy). Nothing was deleted; GET /v1/organizations/<PLATFORM_ORG>/quarantine lists it. Read it with sqlite3, or bring it back: stop tenantservice, restore a platform.db that records it, move the file and its -wal back to where it was, start again.")]
    private static partial void LogOrphanQuarantined(ILogger logger, string path, string quarantine);

    [LoggerMessage(Level = LogLevel.Error, Message = "Database '{Name}' has a record but its file is gone (deleted by hand, or a power loss right after its create); the record is dropped. Backups, if any: '{Backups}'.")]
    private static partial void LogRecordWithoutFile(ILogger logger, string name, string backups);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Schema database '{Name}' has lost its file but still has {Children} children; its record is kept. Restore the file from backups/ or delete the children.")]
    private static partial void LogSchemaFileMissing(ILogger logger, string name, int children);

    [LoggerMessage(Level = LogLevel.Critical, Message = "'{PlatformDatabase}' was just created, yet '{Databases}' holds database files: they are left untouched, not adopted. Restore platform.db, or move the files away.")]
    private static partial void LogPlatformDatabaseMissing(ILogger logger, string platformDatabase, string databases);
}

using System.Text;
using LibsqlClient;
using Tenancy.Databases;
using Tenancy.Metadata;
using Tenancy.Storage;
using TenantService.Catalog;
using TenantService.Storage;

namespace TenantService.Databases;

/// <summary>
/// Databases this node keeps on storage backends: made there plain and given their schema's tables over libSQL in one
/// transaction (Turso offers no schema databases), dumped to this node's <c>backups/</c> before they are deleted there.
/// A create is noted in platform.db before the backend is asked, and the note goes with the record's insert: a database
/// that a crash or a failure left there without a record is found by its note and deleted, never guessed at.
/// </summary>
internal sealed partial class BackendDatabases(
    StorageBackends backends,
    DatabaseCatalog catalog,
    DatabaseNameLocks locks,
    TenantDatabaseFactory factory,
    PlatformOptions options,
    TimeProvider time,
    ILogger<BackendDatabases> logger)
{
    // A dump that reached its end says so: the text of a whole dump ends with its COMMIT.
    private static readonly byte[] DumpEnd = "COMMIT;"u8.ToArray();

    /// <summary>
    /// Creates <paramref name="name"/> on <paramref name="backend"/> and runs <paramref name="statements"/> (a schema's
    /// tables) there in one transaction. On any failure the database is deleted there again before the error is thrown.
    /// </summary>
    /// <exception cref="StorageBackendException">The backend failed; nothing is left there unless its note says so.</exception>
    public async Task<DatabasePlacement> CreateAsync(StorageBackend backend, DatabaseName name, IReadOnlyList<string> statements, CancellationToken cancellationToken)
    {
        await ClearInterruptedAsync(name, cancellationToken);
        var api = backends.Api(backend.Name);
        catalog.BeginRemoteCreate(name, backend.Name);
        Uri url;
        try
        {
            url = await api.CreateAsync(name, cancellationToken);
        }
        catch (StorageBackendException exception) when (exception.Failure is StorageFailure.AlreadyExists or StorageFailure.Refused)
        {
            // Not made by this call: a database of that name there is not this node's to delete.
            catalog.ForgetRemoteCreate(name);
            if (exception.Failure == StorageFailure.Refused)
            {
                throw;
            }

            throw new StorageBackendException(backend.Name, StorageFailure.AlreadyExists,
                $"database '{name}' already exists on storage backend '{backend.Name}' but this node has no record of it; delete it there, or pick another name", inner: exception);
        }
        catch
        {
            // No usable answer: it may have been made. Removed now if the backend lets us, else by the next create of the name or the next start.
            await UndoAsync(api, name);
            throw;
        }

        var placement = new DatabasePlacement(backend.Name, url);
        try
        {
            if (statements.Count > 0)
            {
                using var database = backends.Open(placement, backends.RequestTimeout);
                await database.BatchAsync([.. statements.Select(sql => new Statement(sql))], TransactionMode.Write, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is LibsqlException or OperationCanceledException)
        {
            await UndoAsync(api, name);
            if (exception is LibsqlException libsql)
            {
                throw Translate(backend.Name, libsql, $"create the tables of '{name}'");
            }

            throw;
        }

        return placement;
    }

    /// <summary>
    /// Deletes what interrupted creates of <paramref name="name"/> left on their backends; throws when a backend cannot say it
    /// is gone. The caller holds the name's lock.
    /// </summary>
    public async Task ClearInterruptedAsync(DatabaseName name, CancellationToken cancellationToken)
    {
        foreach (var (interrupted, backend) in catalog.InterruptedRemoteCreates(name))
        {
            try
            {
                await backends.Api(backend).DeleteAsync(interrupted, cancellationToken);
            }
            catch (StorageBackendException exception) when (exception.Failure == StorageFailure.NotFound)
            {
                // Never made, or removed already.
            }

            catalog.ForgetRemoteCreate(interrupted);
            LogInterruptedCleared(logger, interrupted.Value, backend);
        }
    }

    /// <summary>Clears every interrupted remote create it can (at start); those whose backend does not answer stay noted.</summary>
    public async Task ClearAllInterruptedAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, backend) in catalog.InterruptedRemoteCreates())
        {
            try
            {
                // Under the name's lock: a create of that name meanwhile must not have its new database deleted by this sweep.
                using (await locks.AcquireAsync(name, cancellationToken))
                {
                    await ClearInterruptedAsync(name, cancellationToken);
                }
            }
            catch (StorageBackendException exception)
            {
                LogInterruptedKept(logger, name.Value, backend, exception.Message);
            }
        }
    }

    /// <summary>
    /// Writes the whole SQL dump of remote database <paramref name="entry"/> to <c>backups/&lt;name&gt;/&lt;UTC time&gt;.sql</c>,
    /// flushed, and returns its path; throws (and keeps no part of it) when the dump does not arrive whole.
    /// </summary>
    public async Task<string> DumpToBackupAsync(DatabaseEntry entry, CancellationToken cancellationToken)
    {
        var placement = entry.Placement ?? throw new InvalidOperationException($"database '{entry.Name}' is in this node's files.");
        var layout = factory.Layout;
        var path = Path.ChangeExtension(layout.BackupPath(entry.Name, time.GetUtcNow()), ".sql");
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + DurableFile.TemporarySuffix);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var limit = new CancellationTokenSource(options.DumpTimeout, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            using var answer = await backends.Api(placement.Backend).OpenSqlAsync(entry.Name, schemaOnly: false, stop.Token);
            await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 64 * 1024))
            {
                await using (var body = await answer.Content.ReadAsStreamAsync(stop.Token))
                {
                    await body.CopyToAsync(file, stop.Token);
                }

                if (!await EndsWithCommitAsync(file, stop.Token))
                {
                    throw new StorageBackendException(placement.Backend, StorageFailure.Unavailable,
                        $"the dump of '{entry.Name}' from storage backend '{placement.Backend}' did not arrive whole (no final COMMIT)");
                }

                file.Flush(flushToDisk: true);
            }

            DurableFile.MoveFlushed(temporary, path, flushDirectory: true);
            Backups.SnapshotStore.Describe(layout, entry);
            return path;
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new StorageBackendException(placement.Backend, StorageFailure.Unavailable, limit.IsCancellationRequested
                ? $"the dump of '{entry.Name}' from storage backend '{placement.Backend}' took longer than DUMP_TIMEOUT_MS ({options.DumpTimeout.TotalMilliseconds:0} ms)"
                : $"the dump of '{entry.Name}' from storage backend '{placement.Backend}' broke off ({exception.Message})", inner: exception);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Deletes remote database <paramref name="entry"/> on its backend; one the backend no longer has counts as deleted.</summary>
    public async Task DeleteAsync(DatabaseEntry entry, CancellationToken cancellationToken)
    {
        var placement = entry.Placement ?? throw new InvalidOperationException($"database '{entry.Name}' is in this node's files.");
        try
        {
            await backends.Api(placement.Backend).DeleteAsync(entry.Name, cancellationToken);
        }
        catch (StorageBackendException exception) when (exception.Failure == StorageFailure.NotFound)
        {
            LogAlreadyGone(logger, entry.Name.Value, placement.Backend);
        }
    }

    /// <summary>Takes back a database this node made on <paramref name="backend"/> but will not record; throws when the backend cannot (its note stays).</summary>
    public async Task AbandonAsync(StorageBackend backend, DatabaseName name)
    {
        if (!await UndoAsync(backends.Api(backend.Name), name))
        {
            throw new StorageBackendException(backend.Name, StorageFailure.Unavailable,
                $"database '{name}' was made on storage backend '{backend.Name}' but could not be recorded nor deleted there; it will be deleted later, retry");
        }
    }

    /// <summary>What a failed libSQL request means to our caller.</summary>
    public static StorageBackendException Translate(string backend, LibsqlException exception, string what) => exception switch
    {
        LibsqlSqlException => new(backend, StorageFailure.Refused, $"storage backend '{backend}' refused to {what}: {exception.Message}", inner: exception),
        LibsqlServerException { StatusCode: 429 or >= 500 } server => new(backend, StorageFailure.Unavailable,
            $"storage backend '{backend}' answered {server.StatusCode} to {what}: {exception.Message}", server.RetryAfter, exception),
        LibsqlServerException { StatusCode: 404 } => new(backend, StorageFailure.NotFound, $"storage backend '{backend}' does not have the database to {what}: {exception.Message}", inner: exception),
        LibsqlServerException server => new(backend, StorageFailure.Refused, $"storage backend '{backend}' answered {server.StatusCode} to {what}: {exception.Message}", inner: exception),
        _ => new(backend, StorageFailure.Unavailable, $"storage backend '{backend}' could not {what}: {exception.Message}", inner: exception),
    };

    private async Task<bool> UndoAsync(PlatformApiClient api, DatabaseName name)
    {
        try
        {
            // Not the caller's token: a client that gave up must not leave a half-made database behind.
            await api.DeleteAsync(name, CancellationToken.None);
        }
        catch (StorageBackendException exception) when (exception.Failure != StorageFailure.NotFound)
        {
            LogUndoFailed(logger, name.Value, api.Backend.Name, exception.Message);
            return false;
        }

        catalog.ForgetRemoteCreate(name);
        return true;
    }

    private static async Task<bool> EndsWithCommitAsync(FileStream file, CancellationToken cancellationToken)
    {
        var tail = new byte[64];
        var length = (int)Math.Min(tail.Length, file.Length);
        file.Seek(-length, SeekOrigin.End);
        await file.ReadExactlyAsync(tail.AsMemory(0, length), cancellationToken);
        return Encoding.UTF8.GetString(tail, 0, length).TrimEnd().EndsWith(Encoding.UTF8.GetString(DumpEnd), StringComparison.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed database '{Name}' from storage backend '{Backend}', left there by an interrupted create.")]
    private static partial void LogInterruptedCleared(ILogger logger, string name, string backend);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database '{Name}' left on storage backend '{Backend}' by an interrupted create could not be removed yet ({Reason}); the next create of that name or the next start tries again.")]
    private static partial void LogInterruptedKept(ILogger logger, string name, string backend, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A failed create of '{Name}' could not delete it on storage backend '{Backend}' ({Reason}); the next create of that name or the next start does.")]
    private static partial void LogUndoFailed(ILogger logger, string name, string backend, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database '{Name}' was already gone from storage backend '{Backend}'; its record is removed.")]
    private static partial void LogAlreadyGone(ILogger logger, string name, string backend);
}

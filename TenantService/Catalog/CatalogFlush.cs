using Tenancy.Databases;

namespace TenantService.Catalog;

/// <summary>
/// Group commit for platform.db: a caller that has committed a change it is about to acknowledge waits here until
/// the write-ahead log is flushed to disk. One <c>fdatasync</c> serves every commit made before it started, so creates
/// that arrive together share one flush, and one alone pays exactly one, what <c>synchronous = FULL</c> would cost it.
/// </summary>
internal sealed class CatalogFlush(DatabaseCatalog catalog)
{
    private readonly Lock _gate = new();
    private Task? _running;
    private TaskCompletionSource? _next;

    /// <summary>Completes once every commit made before this call is on disk.</summary>
    public Task FlushAsync()
    {
        lock (_gate)
        {
            if (_running is null)
            {
                _running = Task.Run(FlushAndContinue);
                return _running;
            }

            // The running flush may have started before the caller's commit: the caller waits for the next one.
            _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _next.Task;
        }
    }

    private void FlushAndContinue()
    {
        var failure = default(Exception);
        try
        {
            // Data only, as SQLite itself syncs its log: the file's times need no journal commit of their own.
            DiskFlush.FileData(catalog.LogPath);
        }
        catch (IOException exception)
        {
            failure = exception;
        }

        TaskCompletionSource? next;
        lock (_gate)
        {
            next = _next;
            _next = null;
            _running = next is null ? null : Task.Run(FlushAndContinue).ContinueWith(
                flush => flush.Exception is { } error ? next.TrySetException(error.InnerExceptions) : next.TrySetResult(),
                TaskScheduler.Default);
        }

        if (failure is not null)
        {
            throw failure;
        }
    }
}

using Tenancy.Databases;
using TenantService.Catalog;

namespace TenantService.Databases;

/// <summary>
/// A create renames a flushed pool file into place without flushing the folder on the request path: its record, committed
/// with a pending move (<see cref="DatabaseCatalog.TryInsert"/>) and flushed (<see cref="CatalogFlush"/>), is what makes it
/// durable. In the background the folders are flushed for many creates at once (one <c>syncfs</c>) and the pending moves
/// forgotten; at start, a rename that a power loss took back is done again from the pool file (<see cref="Recover"/>).
/// </summary>
internal sealed partial class PendingMoves(
    DatabaseCatalog catalog,
    ChildFilePool pool,
    TenantDatabaseFactory factory,
    ILogger<PendingMoves> logger) : BackgroundService
{
    private const int Batch = 4096;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Redoes every rename a power loss took back, then settles the rest; at start, before files and records are compared.</summary>
    public void Recover()
    {
        var layout = factory.Layout;
        foreach (var (name, source) in catalog.PendingMoves(int.MaxValue))
        {
            var path = layout.DatabasePath(name);
            var pooled = Path.Combine(pool.Directory, source);
            if (!File.Exists(path) && File.Exists(pooled))
            {
                DurableFile.MoveFlushed(pooled, path, flushDirectory: true);
                LogRenameRedone(logger, name.Value, pooled);
            }
        }

        Settle();
    }

    /// <summary>Flushes the file system under <c>databases/</c> once, then forgets the moves it made durable.</summary>
    public void Settle()
    {
        while (catalog.PendingMoves(Batch) is { Count: > 0 } moves)
        {
            // Read before the flush: every rename these records stand for happened before their commit, hence before it.
            DiskFlush.FileSystem(factory.Layout.DatabasesDirectory);
            catalog.ForgetMoves(moves);
            if (moves.Count < Batch)
            {
                return;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    Settle();
                }
                catch (Exception exception) when (exception is IOException or Microsoft.Data.Sqlite.SqliteException)
                {
                    // The moves stay recorded; start-up or the next tick settles them.
                    LogSettleFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is left is settled at the next start.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database '{Name}' was created but a power loss took back the rename of its file; moved '{Source}' into place again.")]
    private static partial void LogRenameRedone(ILogger logger, string name, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Flushing the folders of new databases failed; trying again in a second.")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception);
}

using TenantService.Catalog;

namespace TenantService.Migrations;

/// <summary>
/// Records migrations' write blocks and releases in platform.db, those of children that arrive together in one
/// transaction (group commit): at high parallelism one commit, and one growth of platform.db's log, serves many
/// children instead of one each, and they no longer queue one by one for the catalog's lock. A caller's change is
/// committed when its task completes, so a crash loses nothing a completed block or release stood for.
/// </summary>
internal sealed class WriteBlockRecords(DatabaseCatalog catalog)
{
    private readonly Lock _gate = new();
    private List<(BlockChange Change, TaskCompletionSource Done)> _pending = [];
    private bool _writing;

    /// <summary>Completes once <paramref name="change"/> is committed; the first caller of a group writes it on its own thread.</summary>
    public Task RecordAsync(BlockChange change)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _pending.Add((change, done));
            if (_writing)
            {
                return done.Task;
            }

            _writing = true;
        }

        if (WriteBatch())
        {
            // Those that arrived while this batch was written: written next, without holding this caller up.
            _ = Task.Run(() =>
            {
                while (WriteBatch())
                {
                }
            });
        }

        return done.Task;
    }

    /// <summary>Writes what is pending in one transaction; true when more arrived meanwhile (the caller writes on).</summary>
    private bool WriteBatch()
    {
        List<(BlockChange Change, TaskCompletionSource Done)> batch;
        lock (_gate)
        {
            batch = _pending;
            _pending = [];
        }

        try
        {
            catalog.SetBlocks(batch.ConvertAll(item => item.Change));
            batch.ForEach(item => item.Done.TrySetResult());
        }
        catch (Exception exception)
        {
            batch.ForEach(item => item.Done.TrySetException(exception));
        }

        lock (_gate)
        {
            _writing = _pending.Count > 0;
            return _writing;
        }
    }
}

namespace TenantService.Migrations;

/// <summary>
/// Writes task outcomes to the journal in batches: one platform.db commit per batch (or per quarter second, so
/// progress stays visible), not per database.
/// </summary>
internal sealed class MigrationTaskRecorder(MigrationJournal journal, TimeProvider time) : IDisposable
{
    private const int Batch = 128;
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private List<MigrationTask> _pending = [];
    private long _lastFlush = time.GetTimestamp();

    public void Add(MigrationTask task)
    {
        List<MigrationTask>? full = null;
        lock (_gate)
        {
            _pending.Add(task);
            if (_pending.Count >= Batch || time.GetElapsedTime(_lastFlush) >= FlushInterval)
            {
                full = _pending;
                _pending = [];
                _lastFlush = time.GetTimestamp();
            }
        }

        if (full is not null)
        {
            journal.SetTasks(full);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            journal.SetTasks(_pending);
            _pending = [];
        }
    }
}

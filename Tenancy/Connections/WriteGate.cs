namespace Tenancy.Connections;

/// <summary>
/// Holds writes back while a migration blocks them (announced through tenant events) or while this process's own
/// maintenance (a migration's lease, a close) holds the gate; reads never pass through it.
/// </summary>
internal sealed class WriteGate
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _opened = NewOpened(completed: true);
    private bool _announced;
    private int _holds;

    public bool IsBlocked => !_opened.Task.IsCompleted;

    /// <summary>Sets the block announced for the tenant (by the migration that owns it).</summary>
    public void Set(bool blocked)
    {
        lock (_lock)
        {
            _announced = blocked;
            Update();
        }
    }

    /// <summary>Shuts the gate until the returned scope is disposed; holds nest and add to an announced block.</summary>
    public IDisposable Hold()
    {
        lock (_lock)
        {
            _holds++;
            Update();
        }

        return new Release(this);
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the gate to open; false when it stayed shut.</summary>
    public async ValueTask<bool> WaitOpenAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var opened = _opened.Task;
        if (opened.IsCompleted)
        {
            return true;
        }

        try
        {
            await opened.WaitAsync(timeout, time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    // Callers hold _lock.
    private void Update()
    {
        var blocked = _announced || _holds > 0;
        if (blocked && !IsBlocked)
        {
            _opened = NewOpened(completed: false);
        }
        else if (!blocked)
        {
            _opened.TrySetResult();
        }
    }

    private void Unhold()
    {
        lock (_lock)
        {
            _holds--;
            Update();
        }
    }

    private static TaskCompletionSource NewOpened(bool completed)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            source.SetResult();
        }

        return source;
    }

    private sealed class Release(WriteGate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Unhold();
            }
        }
    }
}

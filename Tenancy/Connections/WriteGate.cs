namespace Tenancy.Connections;

/// <summary>Holds writes back while a migration blocks them; reads never pass through it.</summary>
internal sealed class WriteGate
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _opened = NewOpened(completed: true);

    public bool IsBlocked => !_opened.Task.IsCompleted;

    public void Set(bool blocked)
    {
        lock (_lock)
        {
            if (blocked && !IsBlocked)
            {
                _opened = NewOpened(completed: false);
            }
            else if (!blocked)
            {
                _opened.TrySetResult();
            }
        }
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

    private static TaskCompletionSource NewOpened(bool completed)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            source.SetResult();
        }

        return source;
    }
}

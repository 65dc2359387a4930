using System.Collections.Concurrent;
using Tenancy.Databases;

namespace TenantService.Databases;

/// <summary>
/// One lock per schema database between a job's final phase and the creation of children of that schema: while a job
/// sweeps the last children up and moves the schema database on, no child can be copied from the old schema. Creates
/// (and restores of children) share it with each other, so a burst of sign-ups is not served one at a time; the final
/// phase (and a restore of the schema database itself) holds it alone, waiting for the shares already taken, and new
/// shares wait behind it.
/// </summary>
internal sealed class SchemaChangeLocks
{
    private readonly ConcurrentDictionary<string, Gate> _gates = new(StringComparer.Ordinal);

    /// <summary>Shares the schema's lock with other creates.</summary>
    public async ValueTask<Releaser> ShareAsync(DatabaseName schema, CancellationToken cancellationToken)
    {
        var gate = GateOf(schema);
        await gate.EnterSharedAsync(cancellationToken);
        return new Releaser(gate, shared: true);
    }

    /// <summary>Holds the schema's lock alone, once every share taken before has been given back.</summary>
    public async ValueTask<Releaser> HoldAsync(DatabaseName schema, CancellationToken cancellationToken)
    {
        var gate = GateOf(schema);
        await gate.EnterExclusiveAsync(cancellationToken);
        return new Releaser(gate, shared: false);
    }

    private Gate GateOf(DatabaseName schema) => _gates.GetOrAdd(schema.Value, static _ => new Gate());

    public readonly struct Releaser(Gate? gate, bool shared) : IDisposable
    {
        public void Dispose()
        {
            if (shared)
            {
                gate?.ExitShared();
            }
            else
            {
                gate?.ExitExclusive();
            }
        }
    }

    /// <summary>A reader-writer lock for async code; the turnstile lets a waiting holder stop new shares coming in.</summary>
    internal sealed class Gate
    {
        private readonly SemaphoreSlim _turnstile = new(1, 1);
        private readonly Lock _lock = new();
        private int _shares;
        private TaskCompletionSource? _drained;

        public async ValueTask EnterSharedAsync(CancellationToken cancellationToken)
        {
            await _turnstile.WaitAsync(cancellationToken);
            lock (_lock)
            {
                _shares++;
            }

            _turnstile.Release();
        }

        public void ExitShared()
        {
            lock (_lock)
            {
                if (--_shares == 0 && _drained is { } drained)
                {
                    _drained = null;
                    drained.TrySetResult();
                }
            }
        }

        public async ValueTask EnterExclusiveAsync(CancellationToken cancellationToken)
        {
            await _turnstile.WaitAsync(cancellationToken);
            Task drained;
            lock (_lock)
            {
                if (_shares == 0)
                {
                    return;
                }

                _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                drained = _drained.Task;
            }

            try
            {
                await drained.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                lock (_lock)
                {
                    _drained = null;
                }

                _turnstile.Release();
                throw;
            }
        }

        public void ExitExclusive() => _turnstile.Release();
    }
}

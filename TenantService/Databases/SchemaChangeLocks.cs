using System.Collections.Concurrent;
using Tenancy.Databases;

namespace TenantService.Databases;

/// <summary>
/// One lock per schema database, shared by a job's final phase and the creation of children of that schema: while
/// a job sweeps the last children up and moves the schema database on, no child can be copied from the old schema.
/// </summary>
internal sealed class SchemaChangeLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async ValueTask<Releaser> AcquireAsync(DatabaseName schema, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(schema.Value, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    public readonly struct Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate?.Release();
    }
}

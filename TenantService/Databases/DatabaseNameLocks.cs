using Tenancy.Databases;

namespace TenantService.Databases;

/// <summary>
/// Serialises creates and deletes of one database name. Striped: a fixed set of locks chosen by the
/// name's hash, so memory stays flat with any number of databases; unrelated names rarely share one.
/// </summary>
internal sealed class DatabaseNameLocks
{
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async ValueTask<Releaser> AcquireAsync(DatabaseName name, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(uint)StringComparer.Ordinal.GetHashCode(name.Value) % (uint)_stripes.Length];
        await stripe.WaitAsync(cancellationToken);
        return new Releaser(stripe);
    }

    public readonly struct Releaser(SemaphoreSlim stripe) : IDisposable
    {
        public void Dispose() => stripe.Release();
    }
}

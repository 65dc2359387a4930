using LibsqlClient;
using Tenancy.Metadata;
using Tenancy.Storage;

namespace Tenancy.Connections;

/// <summary>
/// The libSQL clients of remote tenant databases: one <see cref="HttpClient"/> per storage backend (pooled keep-alive
/// connections, HTTP/2 where the server offers it), shared by every database placed there, with the backend's token.
/// </summary>
public sealed class RemoteDatabases : IDisposable
{
    private readonly StorageOptions _storage;
    private readonly TenantConnectionCacheOptions _options;
    private readonly Dictionary<string, HttpClient> _clients;

    /// <summary>Creates the backends' clients.</summary>
    /// <param name="storage">The storage backends and their credentials.</param>
    /// <param name="options">The remote statement timeout and read retries.</param>
    public RemoteDatabases(StorageOptions storage, TenantConnectionCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
        _options = options;
        // Made with LibsqlDatabase's own factory, not IHttpClientFactory: a resilience handler there could resend a write.
        _clients = storage.Backends.Keys.ToDictionary(name => name, _ => LibsqlDatabase.CreateHttpClient(), StringComparer.Ordinal);
    }

    /// <summary>A client of the database at <paramref name="placement"/>, sending through its backend's shared connections.</summary>
    /// <exception cref="InvalidOperationException">The placement names a backend this service has no settings for.</exception>
    internal LibsqlDatabase Open(DatabasePlacement placement)
    {
        if (!_storage.Backends.TryGetValue(placement.Backend, out var backend) || !_clients.TryGetValue(placement.Backend, out var http))
        {
            var prefix = $"STORAGE_{placement.Backend.Replace('-', '_').ToUpperInvariant()}_";
            throw new InvalidOperationException(
                $"A database is placed on storage backend '{placement.Backend}', which this service does not know: add it to STORAGE_BACKENDS with {prefix}URL and {prefix}TOKEN.");
        }

        return new LibsqlDatabase(new LibsqlClientOptions
        {
            Url = placement.Url,
            AuthToken = backend.Token,
            Timeout = _options.RemoteTimeout,
            ReadRetries = _options.RemoteReadRetries,
        }, http);
    }

    /// <summary>Closes every backend's connections.</summary>
    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}

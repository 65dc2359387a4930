using LibsqlClient;
using Tenancy.Metadata;
using Tenancy.Storage;

namespace TenantService.Storage;

/// <summary>
/// This node's way to each storage backend: one pooled <see cref="HttpClient"/> per backend, shared by its Platform API
/// client and the libSQL clients of the databases placed there (this service's own schema work on them; the todo API's
/// sessions are the connection cache's).
/// </summary>
internal sealed class StorageBackends : IDisposable
{
    private readonly StorageOptions _storage;
    private readonly Dictionary<string, HttpClient> _clients;
    private readonly Dictionary<string, PlatformApiClient> _apis;

    public StorageBackends(StorageOptions storage, RemoteStorageOptions options)
    {
        _storage = storage;
        RequestTimeout = options.RequestTimeout;
        // LibsqlDatabase's own handler, not IHttpClientFactory's: a resilience handler there could resend a write.
        _clients = storage.Backends.Keys.ToDictionary(name => name, _ => LibsqlDatabase.CreateHttpClient(), StringComparer.Ordinal);
        _apis = storage.Backends.Values.ToDictionary(backend => backend.Name, backend => new PlatformApiClient(backend, _clients[backend.Name], options.RequestTimeout), StringComparer.Ordinal);
    }

    /// <summary><c>STORAGE_REQUEST_TIMEOUT_MS</c>.</summary>
    public TimeSpan RequestTimeout { get; }

    /// <summary>The Platform API of backend <paramref name="name"/>.</summary>
    public PlatformApiClient Api(string name) => _apis.TryGetValue(name, out var api) ? api : throw Unknown(name);

    /// <summary>
    /// A libSQL client of the database at <paramref name="placement"/> with the backend's token; each request may take
    /// <paramref name="timeout"/>, and nothing is resent (schema work is never a read).
    /// </summary>
    public LibsqlDatabase Open(DatabasePlacement placement, TimeSpan timeout)
    {
        if (!_storage.Backends.TryGetValue(placement.Backend, out var backend))
        {
            throw Unknown(placement.Backend);
        }

        return new LibsqlDatabase(new LibsqlClientOptions { Url = placement.Url, AuthToken = backend.Token, Timeout = timeout, ReadRetries = 0 }, _clients[backend.Name]);
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }

    // A record naming a backend that was removed from the settings since: refused, never guessed.
    private static StorageBackendException Unknown(string name) => new(name, StorageFailure.Refused,
        $"storage backend '{name}' holds this database but is not in STORAGE_BACKENDS; add it back with STORAGE_{name.Replace('-', '_').ToUpperInvariant()}_URL and _TOKEN");
}

using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Tenancy.Databases;
using Tenancy.Storage;

namespace TenantService.Storage;

/// <summary>
/// The Turso Platform API of one storage backend (Turso, or another node of this platform): create, get, list, delete and
/// dump databases under <c>/v1/organizations/{org}/databases</c>, with the backend's token. Each call is bounded by
/// <c>STORAGE_REQUEST_TIMEOUT_MS</c> (a dump until its first byte), and every failure is a <see cref="StorageBackendException"/>
/// that names the backend, the call and the reason.
/// </summary>
internal sealed class PlatformApiClient(StorageBackend backend, HttpClient http, TimeSpan timeout)
{
    // Database objects and error bodies are small; a list of every database of a large backend is not unbounded either.
    private const int MaxAnswerBytes = 16 << 20;
    private const int MaxErrorBytes = 4096;

    public StorageBackend Backend => backend;

    /// <summary>Creates a plain, empty database; returns its libSQL URL (<c>Hostname</c>, reached with the API's scheme).</summary>
    public async Task<Uri> CreateAsync(DatabaseName name, CancellationToken cancellationToken)
    {
        var what = $"create database '{name}'";
        using var content = JsonContent.Create(new BackendCreateRequest(name.Value), StorageJsonContext.Default.BackendCreateRequest);
        using var answer = await SendAsync(HttpMethod.Post, DatabasesPath(null), content, what, cancellationToken);
        var created = await ReadAsync(answer.Response, StorageJsonContext.Default.BackendDatabaseResponse, what, answer.Token);
        return LibsqlUrl(created?.Database?.Hostname, what);
    }

    /// <summary>The backend's record of <paramref name="name"/>.</summary>
    public async Task<BackendDatabase> GetAsync(DatabaseName name, CancellationToken cancellationToken)
    {
        var what = $"get database '{name}'";
        using var answer = await SendAsync(HttpMethod.Get, DatabasesPath(name.Value), null, what, cancellationToken);
        return (await ReadAsync(answer.Response, StorageJsonContext.Default.BackendDatabaseResponse, what, answer.Token))?.Database
            ?? throw Malformed(what, "its answer holds no 'database'");
    }

    /// <summary>Every database the backend holds in this organization.</summary>
    public async Task<IReadOnlyList<BackendDatabase>> ListAsync(CancellationToken cancellationToken)
    {
        const string what = "list databases";
        using var answer = await SendAsync(HttpMethod.Get, DatabasesPath(null), null, what, cancellationToken);
        return (await ReadAsync(answer.Response, StorageJsonContext.Default.BackendDatabaseListResponse, what, answer.Token))?.Databases ?? [];
    }

    /// <summary>Deletes <paramref name="name"/>; a database the backend does not have is a <see cref="StorageFailure.NotFound"/>.</summary>
    public async Task DeleteAsync(DatabaseName name, CancellationToken cancellationToken)
    {
        using var answer = await SendAsync(HttpMethod.Delete, DatabasesPath(name.Value), null, $"delete database '{name}'", cancellationToken);
    }

    /// <summary>
    /// Starts <c>GET .../dump</c> (or <c>.../schema</c>) and returns once the answer's headers are in; the caller reads the SQL
    /// text from its content as it arrives and disposes it. The time limit covers the wait for the headers only.
    /// </summary>
    public async Task<HttpResponseMessage> OpenSqlAsync(DatabaseName name, bool schemaOnly, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(HttpMethod.Get, DatabasesPath($"{name.Value}/{(schemaOnly ? "schema" : "dump")}"), null,
            $"{(schemaOnly ? "read the schema of" : "dump")} database '{name}'", cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        answer.Limit.Dispose();
        return answer.Response;
    }

    private string DatabasesPath(string? rest) =>
        $"v1/organizations/{Uri.EscapeDataString(backend.Organization)}/databases" + (rest is null ? "" : "/" + rest);

    private async Task<Answer> SendAsync(
        HttpMethod method, string path, HttpContent? content, string what, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var baseUrl = backend.ApiUrl.AbsoluteUri.EndsWith('/') ? backend.ApiUrl : new Uri(backend.ApiUrl.AbsoluteUri + "/");
        using var request = new HttpRequestMessage(method, new Uri(baseUrl, path)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", backend.Token);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, completion, limit.Token);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            limit.Dispose();
            throw exception is HttpRequestException
                ? new StorageBackendException(backend.Name, StorageFailure.Unavailable, $"storage backend '{backend.Name}' ({backend.ApiUrl}) could not be reached to {what}: {exception.Message}", inner: exception)
                : new StorageBackendException(backend.Name, StorageFailure.Unavailable,
                    $"storage backend '{backend.Name}' ({backend.ApiUrl}) did not answer within STORAGE_REQUEST_TIMEOUT_MS ({timeout.TotalMilliseconds:0} ms) to {what}", inner: exception);
        }

        if (response.IsSuccessStatusCode)
        {
            return new Answer(response, limit);
        }

        using (response)
        using (limit)
        {
            throw await FailureAsync(response, what, limit.Token);
        }
    }

    private async Task<StorageBackendException> FailureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var said = await ReadErrorAsync(response, cancellationToken);
        var text = $"storage backend '{backend.Name}' answered {status} to {what}: {said}";
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound => new StorageBackendException(backend.Name, StorageFailure.NotFound, text),
            HttpStatusCode.Conflict => new StorageBackendException(backend.Name, StorageFailure.AlreadyExists, text),
            HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError =>
                new StorageBackendException(backend.Name, StorageFailure.Unavailable, text, RetryAfterOf(response)),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new StorageBackendException(backend.Name, StorageFailure.Refused,
                $"{text}; check {SettingPrefix}TOKEN and {SettingPrefix}ORG ('{backend.Organization}')"),
            _ => new StorageBackendException(backend.Name, StorageFailure.Refused, text),
        };
    }

    private string SettingPrefix => $"STORAGE_{backend.Name.Replace('-', '_').ToUpperInvariant()}_";

    // The backend's {"error"} when it sent one, else the first bytes of whatever it sent.
    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await ReadBoundedAsync(response.Content, MaxErrorBytes, cancellationToken);
            try
            {
                if (JsonSerializer.Deserialize(bytes, StorageJsonContext.Default.BackendError)?.Error is { Length: > 0 } error)
                {
                    return error;
                }
            }
            catch (JsonException)
            {
                // Not the Platform API's error shape: shown as text.
            }

            var text = Encoding.UTF8.GetString(bytes).Trim();
            return text.Length == 0 ? response.ReasonPhrase ?? "no reason given" : text;
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or IOException)
        {
            return response.ReasonPhrase ?? "no reason given";
        }
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : null,
        _ => null,
    };

    private async Task<T?> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await ReadBoundedAsync(response.Content, MaxAnswerBytes, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or IOException)
        {
            throw new StorageBackendException(backend.Name, StorageFailure.Unavailable, $"storage backend '{backend.Name}' broke off its answer to {what}: {exception.Message}", inner: exception);
        }
        catch (InvalidDataException exception)
        {
            throw Malformed(what, exception.Message);
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, type);
        }
        catch (JsonException exception)
        {
            throw Malformed(what, $"its answer is not the Platform API's JSON ({exception.Message})");
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new ArrayBufferWriter<byte>(Math.Min(limit, 4096));
        while (true)
        {
            var read = await stream.ReadAsync(buffer.GetMemory(4096), cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                if (limit == MaxErrorBytes)
                {
                    return buffer.WrittenSpan[..limit].ToArray();
                }

                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"its answer is larger than {limit >> 20} MiB"));
            }
        }
    }

    private Uri LibsqlUrl(string? hostname, string what) =>
        hostname is { Length: > 0 } && Uri.TryCreate($"{backend.ApiUrl.Scheme}://{hostname}", UriKind.Absolute, out var url)
            ? url
            : throw Malformed(what, $"its answer's Hostname '{hostname}' is not a host and path");

    private StorageBackendException Malformed(string what, string why) =>
        new(backend.Name, StorageFailure.Malformed, $"storage backend '{backend.Name}' answered {what} unexpectedly: {why}");

    /// <summary>A successful answer and the time limit that still runs while its body is read.</summary>
    private readonly record struct Answer(HttpResponseMessage Response, CancellationTokenSource Limit) : IDisposable
    {
        public CancellationToken Token => Limit.Token;

        public void Dispose()
        {
            Response.Dispose();
            Limit.Dispose();
        }
    }
}

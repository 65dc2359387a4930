using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace LibsqlClient.Hrana;

/// <summary>
/// Sends pipelines over HTTP: the version probe (<c>GET v3</c>, else version 2), the per-request timeout, the resend rule
/// for reads, and the mapping of every failure to a <see cref="LibsqlException"/>.
/// </summary>
internal sealed class HranaHttp(HttpClient http, LibsqlClientOptions options)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly AuthenticationHeaderValue? _authorization = options.AuthToken is { } token ? new("Bearer", token) : null;
    private Task<int>? _version;
    private Uri? _pipeline2;
    private Uri? _pipeline3;

    /// <summary>The database's URL, ending in <c>/</c>, with <c>libsql://</c> read as <c>https://</c>.</summary>
    public Uri Url { get; } = Normalize(options.Url);

    // Parsed once: a Uri costs more to build than the rest of a small request.
    private Uri PipelineUrl(int version) => version == 3
        ? _pipeline3 ??= new Uri(Url, "v3/pipeline")
        : _pipeline2 ??= new Uri(Url, "v2/pipeline");

    /// <summary>The Hrana version the server speaks: 3 if <c>GET v3</c> answers 2xx, 2 if it answers 4xx (asked once).</summary>
    public Task<int> VersionAsync(CancellationToken cancellationToken)
    {
        // One probe serves every caller, so one caller's cancellation does not fail the others'.
        var version = _version ??= ProbeAsync(CancellationToken.None);
        if (version.IsFaulted || version.IsCanceled)
        {
            // A failed probe is asked again next time, not remembered.
            Interlocked.CompareExchange(ref _version, null, version);
        }

        return version.IsCompletedSuccessfully ? version : version.WaitAsync(cancellationToken);
    }

    /// <summary>Sends one pipeline to the stream's URL (<paramref name="baseUrl"/> or the database's) and reads its answer.</summary>
    public async Task<PipelineResponse> PipelineAsync(string? baseUrl, string? baton, IReadOnlyList<PipelineRequest> requests, CancellationToken cancellationToken)
    {
        var version = await VersionAsync(cancellationToken);
        var body = new ArrayBufferWriter<byte>(256);
        PipelineWriter.Write(body, baton, requests, version);
        var address = baseUrl is null ? PipelineUrl(version) : new Uri(Normalize(new Uri(Url, baseUrl)), version == 3 ? "v3/pipeline" : "v2/pipeline");
        // Resending is safe only for a fresh stream whose every statement reads.
        var retries = baton is null && requests.All(r => r.IsRead) ? options.ReadRetries : 0;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await SendAsync(address, body.WrittenMemory, requests, cancellationToken);
            }
            catch (LibsqlConnectionException) when (attempt < retries)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * (attempt + 1)), cancellationToken);
            }
        }
    }

    private async Task<PipelineResponse> SendAsync(Uri address, ReadOnlyMemory<byte> body, IReadOnlyList<PipelineRequest> requests, CancellationToken cancellationToken)
    {
        // SocketsHttpHandler resends on its own only what provably never reached the server (a stale pooled connection,
        // an HTTP/2 stream refused unprocessed); the write tests in TransportTests check it.
        using var request = new HttpRequestMessage(HttpMethod.Post, address) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Authorization = _authorization;
        var (status, answer, retryAfter) = await ExchangeAsync(request, cancellationToken);
        if (status != HttpStatusCode.OK)
        {
            throw ServerError(status, answer, retryAfter);
        }

        return PipelineReader.Read(answer.Span, requests);
    }

    private async Task<int> ProbeAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Url, "v3"));
        var (status, answer, retryAfter) = await ExchangeAsync(request, cancellationToken);
        return (int)status switch
        {
            >= 200 and < 300 => 3,
            >= 400 and < 500 => 2,
            _ => throw ServerError(status, answer, retryAfter),
        };
    }

    // One HTTP exchange within the timeout; the answer is read whole, up to MaxResponseBytes.
    private async Task<(HttpStatusCode Status, ReadOnlyMemory<byte> Body, TimeSpan? RetryAfter)> ExchangeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var deadline = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : new CancellationTokenSource();
        deadline.CancelAfter(options.Timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var body = await ReadBodyAsync(response, deadline.Token);
            return (response.StatusCode, body, response.Headers.RetryAfter?.Delta);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LibsqlTimeoutException(options.Timeout, exception);
        }
        catch (OperationCanceledException exception) when (exception.CancellationToken != cancellationToken)
        {
            // The caller's own token, so callers can tell their cancellation from anything else.
            throw new OperationCanceledException(exception.Message, exception, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            // Only a connection that was never made proves the server did not receive the request.
            var neverSent = exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                || exception.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
            throw new LibsqlConnectionException(
                $"No answer from the libSQL server at {request.RequestUri}: {exception.Message}" +
                (neverSent ? " The request was not sent." : " The request may have run; it was not resent unless it only reads."),
                mayHaveRun: !neverSent, exception);
        }
        catch (IOException exception)
        {
            throw new LibsqlConnectionException(
                $"The answer from {request.RequestUri} broke off: {exception.Message} The request may have run.", mayHaveRun: true, exception);
        }
    }

    private async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var limit = options.MaxResponseBytes;
        if (response.Content.Headers.ContentLength > limit)
        {
            throw TooLarge(response.Content.Headers.ContentLength.Value);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var length = response.Content.Headers.ContentLength;
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(length ?? 4096, limit) + 1);
        int read;
        while ((read = await stream.ReadAsync(buffer.GetMemory(length is null ? 4096 : 1), cancellationToken)) > 0)
        {
            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                throw TooLarge(buffer.WrittenCount);
            }
        }

        return buffer.WrittenMemory;
    }

    private LibsqlException TooLarge(long bytes) => new("RESPONSE_TOO_LARGE",
        $"The server's answer has {bytes} bytes or more, past LibsqlClientOptions.MaxResponseBytes ({options.MaxResponseBytes}); select fewer rows or raise the limit.");

    private static LibsqlServerException ServerError(HttpStatusCode status, ReadOnlyMemory<byte> body, TimeSpan? retryAfter)
    {
        // libSQL servers send {"message", "code"}; anything else is reported as SERVER_ERROR, as @libsql/client does.
        var error = PipelineReader.ReadHttpError(body.Span);
        var text = System.Text.Encoding.UTF8.GetString(body.Span[..Math.Min(body.Length, 500)]).Trim();
        return new LibsqlServerException((int)status, error?.Code ?? "SERVER_ERROR",
            error?.Message ?? $"The libSQL server answered HTTP {(int)status}{(text.Length > 0 ? ": " + text : ".")}", retryAfter);
    }

    private static Uri Normalize(Uri url)
    {
        var builder = new UriBuilder(url);
        if (builder.Scheme == "libsql")
        {
            builder.Scheme = Uri.UriSchemeHttps;
            builder.Port = url.IsDefaultPort || url.Port < 0 ? -1 : url.Port;
        }

        if (!builder.Path.EndsWith('/'))
        {
            // Pipeline paths are resolved against the URL: without the slash "v3/pipeline" would replace its last segment.
            builder.Path += "/";
        }

        return builder.Uri;
    }
}

namespace LibsqlClient.Hrana;

/// <summary>
/// A server-side stream (one SQLite connection) across pipelines: each answer's baton and <c>base_url</c> address the
/// next request. Requests on one stream go one at a time, as batons require.
/// </summary>
internal sealed class HranaStream(HranaHttp http) : IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private string? _baton;
    private string? _baseUrl;
    private bool _opened;

    /// <summary>False once the stream was closed, by us or by the server.</summary>
    public bool IsOpen => !_opened || _baton is not null;

    public async Task<PipelineResponse> SendAsync(IReadOnlyList<PipelineRequest> requests, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            if (!IsOpen)
            {
                throw new LibsqlException("STREAM_CLOSED", "The stream was closed (committed, rolled back, or expired on the server); begin a new transaction.");
            }

            PipelineResponse response;
            try
            {
                response = await http.PipelineAsync(_baseUrl, _baton, requests, cancellationToken);
            }
            catch
            {
                // Without the answer the baton is lost: the server closes the stream when it expires, rolling back.
                _opened = true;
                _baton = null;
                throw;
            }

            _opened = true;
            _baton = response.Baton;
            _baseUrl = response.BaseUrl ?? _baseUrl;
            return response;
        }
        finally
        {
            _turn.Release();
        }
    }

    public void Dispose() => _turn.Dispose();
}

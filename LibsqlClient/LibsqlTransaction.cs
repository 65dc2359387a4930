using LibsqlClient.Hrana;

namespace LibsqlClient;

/// <summary>How a transaction takes SQLite's locks.</summary>
public enum TransactionMode
{
    /// <summary><c>BEGIN IMMEDIATE</c>: takes the write lock at once, so a later write cannot fail with SQLITE_BUSY.</summary>
    Write,

    /// <summary><c>BEGIN DEFERRED</c>: takes locks when statements need them.</summary>
    Deferred,
}

/// <summary>
/// An interactive transaction: statements run one request at a time on one server-side stream, and nothing is kept
/// until <see cref="CommitAsync"/>. Disposing without committing rolls back. The server rolls back a transaction left
/// open past its own limits (the platform's: 5 s open, 10 s idle).
/// </summary>
public sealed class LibsqlTransaction : IAsyncDisposable
{
    private readonly HranaStream _stream;

    private LibsqlTransaction(HranaStream stream) => _stream = stream;

    internal static async Task<LibsqlTransaction> BeginAsync(HranaHttp http, TransactionMode mode, CancellationToken cancellationToken)
    {
        var stream = new HranaStream(http);
        var begin = new Statement(mode == TransactionMode.Write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
        try
        {
            (await stream.SendAsync([new PipelineRequest.Execute(begin)], cancellationToken)).ThrowIfFailed(0);
            return new LibsqlTransaction(stream);
        }
        catch
        {
            await CloseQuietlyAsync(stream);
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Runs one statement inside the transaction.</summary>
    public async Task<ResultSet> ExecuteAsync(Statement statement, CancellationToken cancellationToken = default) =>
        (await _stream.SendAsync([new PipelineRequest.Execute(statement)], cancellationToken)).Result<ResultSet>(0);

    /// <summary>Runs a batch inside the transaction; step errors are in the result, not thrown.</summary>
    public async Task<BatchResult> BatchAsync(Batch batch, CancellationToken cancellationToken = default) =>
        (await _stream.SendAsync([new PipelineRequest.RunBatch(batch)], cancellationToken)).Result<BatchResult>(0);

    /// <summary>Commits and closes the stream. If this throws a connection error, the commit may or may not have happened.</summary>
    public Task CommitAsync(CancellationToken cancellationToken = default) => FinishAsync("COMMIT", cancellationToken);

    /// <summary>Rolls back and closes the stream.</summary>
    public Task RollbackAsync(CancellationToken cancellationToken = default) => FinishAsync("ROLLBACK", cancellationToken);

    /// <summary>Rolls back if neither committed nor rolled back: closing the stream ends its transaction.</summary>
    public async ValueTask DisposeAsync()
    {
        await CloseQuietlyAsync(_stream);
        _stream.Dispose();
    }

    private async Task FinishAsync(string sql, CancellationToken cancellationToken) =>
        (await _stream.SendAsync([new PipelineRequest.Execute(sql), PipelineRequest.Close], cancellationToken)).ThrowIfFailed(0);

    private static async Task CloseQuietlyAsync(HranaStream stream)
    {
        if (!stream.IsOpen)
        {
            return;
        }

        try
        {
            await stream.SendAsync([PipelineRequest.Close], CancellationToken.None);
        }
        catch (LibsqlException)
        {
            // The server rolls back a stream nobody closes when it expires; nothing more to do here.
        }
    }
}

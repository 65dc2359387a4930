using System.Net;
using LibsqlClient.Hrana;

namespace LibsqlClient;

/// <summary>
/// One libSQL database over HTTP (Hrana versions 3 and 2, JSON). Thread-safe; make one per database and keep it.
/// Calls without a transaction each run on a fresh server-side stream in one round trip.
/// </summary>
/// <example>
/// <code>
/// using var db = new LibsqlDatabase(new LibsqlClientOptions { Url = new("http://localhost:8080/db/mydb/"), AuthToken = token });
/// var result = await db.ExecuteAsync(new Statement("SELECT id, title FROM todos WHERE id = ?", 42));
/// foreach (var row in result.Rows) Console.WriteLine(row["title"].AsString());
/// </code>
/// </example>
public sealed class LibsqlDatabase : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly HranaHttp _hrana;

    /// <summary>A database with its own connection pool.</summary>
    public LibsqlDatabase(LibsqlClientOptions options) : this(options, CreateHttpClient(), ownsHttp: true)
    {
    }

    /// <summary>
    /// A database that sends through <paramref name="http"/>, shared with other databases of the same server so they
    /// share its connections (make it with <see cref="CreateHttpClient"/>). The caller disposes it.
    /// </summary>
    public LibsqlDatabase(LibsqlClientOptions options, HttpClient http) : this(options, http, ownsHttp: false)
    {
    }

    private LibsqlDatabase(LibsqlClientOptions options, HttpClient http, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("LibsqlClientOptions: " + string.Join(" ", problems), nameof(options));
        }

        _http = http;
        _ownsHttp = ownsHttp;
        _hrana = new HranaHttp(http, options);
    }

    /// <summary>
    /// An <see cref="HttpClient"/> made for libSQL: pooled keep-alive connections, HTTP/2 where the server offers it
    /// (https with ALPN; plain http stays on HTTP/1.1), no automatic redirects or cookies, and no timeout of its own
    /// (<see cref="LibsqlClientOptions.Timeout"/> applies per request).
    /// </summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        // Connections are renewed now and then so DNS changes reach a long-running service.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        EnableMultipleHttp2Connections = true,
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
    };

    /// <summary>The Hrana version the server speaks (3, or 2 when it does not answer <c>GET v3</c>).</summary>
    public Task<int> GetProtocolVersionAsync(CancellationToken cancellationToken = default) => _hrana.VersionAsync(cancellationToken);

    /// <summary>Runs one statement. A SELECT may be resent after a transport failure (<see cref="LibsqlClientOptions.ReadRetries"/>); nothing else is.</summary>
    public async Task<ResultSet> ExecuteAsync(Statement statement, CancellationToken cancellationToken = default) =>
        (await _hrana.PipelineAsync(null, null, [new PipelineRequest.Execute(statement), PipelineRequest.Close], cancellationToken)).Result<ResultSet>(0);

    /// <summary>Runs a batch with its conditions, outside any transaction unless its steps open one. Step errors are in the result, not thrown.</summary>
    public async Task<BatchResult> BatchAsync(Batch batch, CancellationToken cancellationToken = default) =>
        (await _hrana.PipelineAsync(null, null, [new PipelineRequest.RunBatch(batch), PipelineRequest.Close], cancellationToken)).Result<BatchResult>(0);

    /// <summary>
    /// Runs statements as one transaction in one round trip: all or none. Throws the first statement's error
    /// (after the server rolled back); else returns each statement's result.
    /// </summary>
    public async Task<IReadOnlyList<ResultSet>> BatchAsync(IReadOnlyList<Statement> statements, TransactionMode mode = TransactionMode.Write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statements);
        var batch = new Batch();
        var previous = batch.Add(mode == TransactionMode.Write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
        foreach (var statement in statements)
        {
            previous = batch.Add(statement, new BatchCondition.Ok(previous));
        }

        var commit = batch.Add("COMMIT", new BatchCondition.Ok(previous));
        batch.Add("ROLLBACK", new BatchCondition.Not(new BatchCondition.Ok(commit)));
        var result = await BatchAsync(batch, cancellationToken);
        for (var step = 0; step <= commit; step++)
        {
            if (result.StepErrors[step] is { } error)
            {
                throw error;
            }
        }

        return [.. result.StepResults.Skip(1).Take(statements.Count).Select(r => r!)];
    }

    /// <summary>Begins an interactive transaction on a stream of its own; commit it, or dispose it to roll back.</summary>
    public Task<LibsqlTransaction> BeginTransactionAsync(TransactionMode mode = TransactionMode.Write, CancellationToken cancellationToken = default) =>
        LibsqlTransaction.BeginAsync(_hrana, mode, cancellationToken);

    /// <summary>Releases the connection pool, if this database made its own.</summary>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}

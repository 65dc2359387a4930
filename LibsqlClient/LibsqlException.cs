namespace LibsqlClient;

/// <summary>
/// Any failure of a libSQL call. <see cref="Code"/> is machine-readable: the server's code (<c>SQLITE_CONSTRAINT</c>,
/// <c>SQL_PARSE_ERROR</c>, ...) when the server sent one, else the client's (<c>SERVER_ERROR</c>, <c>CONNECTION_ERROR</c>,
/// <c>TIMEOUT</c>, <c>RESPONSE_TOO_LARGE</c>, <c>STREAM_CLOSED</c>).
/// </summary>
public class LibsqlException : Exception
{
    /// <summary>A failure with a code and a message.</summary>
    public LibsqlException(string code, string message, Exception? inner = null) : base(message, inner) => Code = code;

    /// <summary>The machine-readable code.</summary>
    public string Code { get; }
}

/// <summary>The server ran the request and refused a statement or a stream operation: SQL errors, constraint violations, expired streams.</summary>
public sealed class LibsqlSqlException(string code, string message) : LibsqlException(code, message);

/// <summary>The server answered the HTTP request with an error status (bad token, unknown database, overload).</summary>
public sealed class LibsqlServerException(int statusCode, string code, string message, TimeSpan? retryAfter)
    : LibsqlException(code, message)
{
    /// <summary>The HTTP status code.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>The server's <c>Retry-After</c>, when it said the request may succeed later.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>
/// No answer came: the connection failed. <see cref="MayHaveRun"/> says whether the server may have received the request.
/// The client resends only stateless reads (<see cref="Statement.IsRead"/>); a write is never resent, because the
/// server may have run it and only the answer was lost. Check the data before writing again.
/// </summary>
public sealed class LibsqlConnectionException(string message, bool mayHaveRun, Exception? inner)
    : LibsqlException("CONNECTION_ERROR", message, inner)
{
    /// <summary>False only when the connection could not be made, so nothing was sent.</summary>
    public bool MayHaveRun { get; } = mayHaveRun;
}

/// <summary>No answer within <see cref="LibsqlClientOptions.Timeout"/>. The server may still have run the request.</summary>
public sealed class LibsqlTimeoutException(TimeSpan timeout, Exception? inner)
    : LibsqlException("TIMEOUT", $"The libSQL server did not answer within {timeout.TotalSeconds:0.###} s (LibsqlClientOptions.Timeout); the request may still have run.", inner);

using System.Diagnostics;
using LibsqlClient;
using Microsoft.Data.Sqlite;
using Tenancy.Databases;
using Tenancy.Metadata;

namespace Tenancy.Connections;

/// <summary>
/// A session on a remote tenant database: each statement is one libSQL request on the backend's shared connections.
/// Failures read as a local session's do: SQL errors as <see cref="SqliteException"/> with SQLite's code, a server that
/// is down or slow as <see cref="TenantUnavailableException"/>, a database the server does not have as
/// <see cref="TenantNotFoundException"/>. Only a SELECT is ever resent after a broken connection; a write never is.
/// </summary>
internal sealed class RemoteTenantSession(RemoteTenant tenant, TenantRecord record, TenantAccessMode mode) : ITenantSession
{
    private const int SqliteError = 1;
    private const int SqliteReadOnly = 8;
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    private static readonly Dictionary<string, int> SqliteCodes = new(StringComparer.Ordinal)
    {
        ["SQLITE_ERROR"] = 1, ["SQLITE_INTERNAL"] = 2, ["SQLITE_PERM"] = 3, ["SQLITE_ABORT"] = 4, ["SQLITE_BUSY"] = 5,
        ["SQLITE_LOCKED"] = 6, ["SQLITE_NOMEM"] = 7, ["SQLITE_READONLY"] = 8, ["SQLITE_INTERRUPT"] = 9, ["SQLITE_IOERR"] = 10,
        ["SQLITE_CORRUPT"] = 11, ["SQLITE_NOTFOUND"] = 12, ["SQLITE_FULL"] = 13, ["SQLITE_CANTOPEN"] = 14, ["SQLITE_PROTOCOL"] = 15,
        ["SQLITE_SCHEMA"] = 17, ["SQLITE_TOOBIG"] = 18, ["SQLITE_CONSTRAINT"] = 19, ["SQLITE_MISMATCH"] = 20, ["SQLITE_MISUSE"] = 21,
        ["SQLITE_NOLFS"] = 22, ["SQLITE_AUTH"] = 23, ["SQLITE_RANGE"] = 25, ["SQLITE_NOTADB"] = 26,
    };

    private int _disposed;

    /// <inheritdoc/>
    public DatabaseName Database => record.Name;

    /// <inheritdoc/>
    public TenantRecord Tenant => record;

    /// <inheritdoc/>
    public async Task<List<T>> QueryAsync<T>(string sql, Func<ITenantRow, T> read, int maxRows, CancellationToken cancellationToken, params (string Name, object? Value)[] arguments)
    {
        var result = await RunAsync(sql, arguments, cancellationToken);
        var row = new Row();
        var rows = new List<T>(Math.Min(maxRows, result.Rows.Count));
        foreach (var values in result.Rows)
        {
            if (rows.Count == maxRows)
            {
                break;
            }

            row.Values = values;
            rows.Add(read(row));
        }

        return rows;
    }

    /// <inheritdoc/>
    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] arguments) =>
        checked((int)(await RunAsync(sql, arguments, cancellationToken)).RowsAffected);

    /// <summary>Ends the session; the backend's connections stay for the next.</summary>
    public void Dispose() => Interlocked.Exchange(ref _disposed, 1);

    private async Task<ResultSet> RunAsync(string sql, (string Name, object? Value)[] arguments, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var statement = new Statement(sql, Named(arguments));
        if (mode is TenantAccessMode.Read or TenantAccessMode.LongRead && !statement.IsRead)
        {
            // A local read lease refuses writes (a read-only connection, or the writer under ConnectionGuard.OnlyReads); so does a remote one.
            throw new SqliteException("attempt to write a readonly database: this session was granted for reads only", SqliteReadOnly);
        }

        using var activity = TenancyTelemetry.Source.StartActivity(TenantCommand.SpanName(sql, record.Name.Value), ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("db.system", "sqlite");
            activity.SetTag("db.namespace", record.Name.Value);
            activity.SetTag("db.query.text", sql);
            activity.SetTag("server.address", tenant.Placement.Url.Host);
            activity.SetTag("server.port", tenant.Placement.Url.Port);
            activity.SetTag(TenancyTelemetry.BackendTag, tenant.Backend);
        }

        try
        {
            return await tenant.Database.ExecuteAsync(statement, cancellationToken);
        }
        catch (LibsqlException exception) when (Translate(exception) is { } translated)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            activity?.SetTag("db.response.status_code", exception.Code);
            throw translated;
        }
    }

    // What a caller of any session understands; null leaves the client's exception as it is (a bad token, a malformed request).
    private Exception? Translate(LibsqlException exception)
    {
        var where = $"database '{record.Name.Value}' on storage backend '{tenant.Backend}'";
        switch (exception)
        {
            case LibsqlSqlException sql:
                return new SqliteException(sql.Message, SqliteCodes.GetValueOrDefault(PrimaryCode(sql.Code), SqliteError));
            case LibsqlTimeoutException:
                Fail("timeout");
                return new TenantUnavailableException(record.Name,
                    $"The {where} did not answer within Tenancy__RemoteTimeout ({tenant.Timeout.TotalMilliseconds:0} ms); the statement may have run and was not resent.",
                    DefaultRetryAfter, exception) { MayHaveRun = true };
            case LibsqlConnectionException connection:
                Fail("unavailable");
                return new TenantUnavailableException(record.Name, $"The {where} could not be reached: {connection.Message}", DefaultRetryAfter, exception)
                {
                    MayHaveRun = connection.MayHaveRun,
                };
            case LibsqlServerException { StatusCode: 404 }:
                Fail("not_found");
                tenant.Gone();
                return new TenantNotFoundException(record.Name, $"The {where} does not exist there: {exception.Message}", exception);
            case LibsqlServerException { StatusCode: 429 or >= 500 } server:
                Fail("unavailable");
                return new TenantUnavailableException(record.Name, $"The {where} answered HTTP {server.StatusCode}: {server.Message}",
                    server.RetryAfter ?? DefaultRetryAfter, exception);
            default:
                return null;
        }
    }

    private void Fail(string kind) =>
        TenancyTelemetry.RemoteFailures.Add(1, TenancyTelemetry.Backend(tenant.Backend), new KeyValuePair<string, object?>("error.type", kind));

    // SQLITE_CONSTRAINT_UNIQUE is a SQLITE_CONSTRAINT: primary names are one word after the prefix.
    private static string PrimaryCode(string code)
    {
        var second = code.IndexOf('_', "SQLITE_".Length);
        return second < 0 ? code : code[..second];
    }

    private static Dictionary<string, LibsqlValue> Named((string Name, object? Value)[] arguments)
    {
        var named = new Dictionary<string, LibsqlValue>(arguments.Length, StringComparer.Ordinal);
        foreach (var (name, value) in arguments)
        {
            named[name] = value switch
            {
                null => LibsqlValue.Null,
                long number => number,
                int number => number,
                bool flag => flag,
                double real => real,
                string text => text,
                byte[] bytes => bytes,
                _ => throw new ArgumentException($"Argument '{name}' is a {value.GetType().Name}; pass a long, int, bool, double, string, byte[] or null.", nameof(arguments)),
            };
        }

        return named;
    }

    private sealed class Row : ITenantRow
    {
        public LibsqlClient.Row Values { get; set; } = null!;

        public long GetInt64(int ordinal) => Values[ordinal].AsInt64();

        public string GetString(int ordinal) => Values[ordinal].AsString();

        public bool IsNull(int ordinal) => Values[ordinal].IsNull;
    }
}

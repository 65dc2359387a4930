using Microsoft.Data.Sqlite;
using SQLitePCL;
using Tenancy.Connections;
using Tenancy.Metadata;

namespace TenantService.Hrana;

/// <summary>
/// A Hrana stream: its own guarded connection to one database from the tenant connection cache, owned by one caller,
/// with the SQL texts it stored. Used by one pipeline at a time; between pipelines the registry keeps it under its current baton.
/// </summary>
internal sealed class HranaStream(TenantStream connection, StreamClaim claim, TimeSpan maxTransaction) : IDisposable
{
    private readonly Dictionary<int, string> _storedSql = [];
    private bool _stateful;

    /// <summary>The stream's connection: write gate, prepared statements, and the platform's right to take it back.</summary>
    public TenantStream Lease { get; } = connection;

    public SqliteConnection Connection => Lease.Connection;

    public sqlite3 Handle => Lease.Handle;

    /// <summary>The database's metadata in the connection cache (name, kind, version).</summary>
    public TenantRecord Database => Lease.Tenant;

    /// <summary>Who the stream's slot is counted against.</summary>
    public StreamClaim Claim { get; } = claim;

    /// <summary>The caller and database the stream is bound to; a baton works only for them.</summary>
    public string Owner => Claim.Owner;

    /// <summary>Set by the <c>close</c> request: the pipeline answers with a null baton and the connection goes.</summary>
    public bool IsClosed { get; private set; }

    /// <summary>Not inside an explicit transaction.</summary>
    public bool IsAutocommit => raw.sqlite3_get_autocommit(Handle) != 0;

    public string? Baton { get; set; }

    /// <summary>Whether the current request's caller may only read (a read-only token or organization role); set per request.</summary>
    public bool ReadOnlyCaller { get; set; }

    public long ReleasedAt { get; set; }

    public IDictionary<int, string> StoredSql => _storedSql;

    public void Close() => IsClosed = true;

    /// <summary>Before each statement: a transaction open too long is rolled back, and the tenant's WAL kept under its bound.</summary>
    public void StatementStarting() => Lease.StatementStarting(maxTransaction);

    /// <summary>Notes SQL that may leave state on the connection, which then closes with the stream instead of being reused.</summary>
    public void NoteSql(string sql)
    {
        // Deliberately coarse: a column named "temperature" only costs a reconnect.
        _stateful |= sql.Contains("pragma", StringComparison.OrdinalIgnoreCase) || sql.Contains("temp", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The SQL text of a request: exactly one of <paramref name="sql"/> and <paramref name="sqlId"/>.</summary>
    public string ResolveSql(string? sql, int? sqlId) => (sql, sqlId) switch
    {
        ({ } text, null) => text,
        (null, { } id) => _storedSql.TryGetValue(id, out var stored)
            ? stored
            : throw new HranaRequestException($"No SQL text is stored under sql_id {id} on this stream; store it first with store_sql.", HranaErrorCodes.SqlNotFound),
        (null, null) => throw new HranaRequestException("The request needs 'sql' or 'sql_id'.", HranaErrorCodes.ProtocolError),
        _ => throw new HranaRequestException("The request has both 'sql' and 'sql_id'; send exactly one.", HranaErrorCodes.ProtocolError),
    };

    // A connection left as good as a fresh one (no transaction, no PRAGMA or temporary objects) serves the next stream;
    // any other closes, rolling back a transaction left open.
    public void Dispose() => Lease.End(reusable: !_stateful);
}

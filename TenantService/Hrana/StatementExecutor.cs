using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Tenancy.Databases;

namespace TenantService.Hrana;

/// <summary>
/// Runs Hrana statements on a stream's connection through SQLite's own API: binding by position and by name,
/// declared column types, change counters and statement status that the ADO.NET layer does not expose.
/// The factory's guards (authorizer, time limit, size cap) apply as on every tenant connection.
/// </summary>
internal sealed partial class StatementExecutor(ISchemaChangeRouter schemaChanges, TimeProvider timeProvider)
{
    // Estimated JSON sizes, for the response limits: a value's fixed text ({"type":"blob","base64":""} and its comma), a row's
    // brackets, a result's columns and counts. Nulls and numbers count 48 bytes, at least what each takes in memory (a HranaValue).
    private const int SmallValueBytes = 48;
    private const int TextValueBytes = 28;
    private const int BlobValueBytes = 29;
    private const int RowBytes = 3;
    private const int ResultBytes = 256;
    private const int ColumnBytes = 32;

    /// <summary>Runs one statement; its rows and result count against <paramref name="budget"/>, and it is stopped when they do not fit.</summary>
    public async ValueTask<StmtResult> ExecuteAsync(HranaStream stream, HranaStatement statement, ResponseBudget budget, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var sql = RewriteBegin(stream.ResolveSql(statement.Sql, statement.SqlId));
        stream.NoteSql(sql);
        ThrowIfRevoked(stream);
        // Prepared once per connection and SQL text; the authorizer ran when it was prepared, and SQLite prepares it
        // again (authorizing again) whenever the schema changed.
        var stmt = stream.Lease.TakeStatement(sql) ?? PrepareSingle(stream, sql);
        try
        {
            Bind(stream, stmt, statement);
            ThrowIfReadOnlyCaller(stream, stmt, sql);
            if (IsSchemaWrite(stream, stmt))
            {
                var outcome = await schemaChanges.RouteAsync(new SchemaWrite(stream.Database.Name, sql, statement.Args, statement.NamedArgs), cancellationToken);
                return outcome.Refusal is { } refusal
                    ? throw new HranaRequestException(refusal, HranaErrorCodes.SchemaWriteRefused)
                    : new StmtResult([], [], outcome.AffectedRowCount, null, 0, outcome.AffectedRowCount, timeProvider.GetElapsedTime(started).TotalMilliseconds);
            }

            await WaitWritableAsync(stream, stmt, sql, cancellationToken);
            return Run(stream, stmt, statement.WantRows, budget, started);
        }
        finally
        {
            stream.Lease.KeepStatement(sql, stmt);
        }
    }

    public DescribeResult Describe(HranaStream stream, string sql)
    {
        ThrowIfRevoked(stream);
        using var stmt = PrepareSingle(stream, sql);
        var parameters = new string?[raw.sqlite3_bind_parameter_count(stmt)];
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i] = raw.sqlite3_bind_parameter_name(stmt, i + 1).utf8_to_string();
        }

        return new DescribeResult(parameters, Columns(stmt), raw.sqlite3_stmt_isexplain(stmt) != 0, raw.sqlite3_stmt_readonly(stmt) != 0);
    }

    /// <summary>Runs every statement of <paramref name="sql"/> in order, ignoring rows; stops at the first failure.</summary>
    public async ValueTask SequenceAsync(HranaStream stream, string sql, CancellationToken cancellationToken)
    {
        stream.NoteSql(sql);
        ThrowIfRevoked(stream);
        var remaining = sql;
        while (!string.IsNullOrWhiteSpace(remaining))
        {
            var rc = raw.sqlite3_prepare_v2(stream.Handle, remaining, out var stmt, out var tail);
            using (stmt)
            {
                if (rc != raw.SQLITE_OK)
                {
                    throw Failure(stream, rc, preparing: true);
                }

                if (stmt is not null && !stmt.IsInvalid)
                {
                    ThrowIfReadOnlyCaller(stream, stmt, raw.sqlite3_sql(stmt).utf8_to_string() ?? "");
                    if (IsSchemaWrite(stream, stmt))
                    {
                        var statementSql = raw.sqlite3_sql(stmt).utf8_to_string() ?? remaining;
                        var outcome = await schemaChanges.RouteAsync(new SchemaWrite(stream.Database.Name, statementSql, [], []), cancellationToken);
                        if (outcome.Refusal is { } refusal)
                        {
                            throw new HranaRequestException(refusal, HranaErrorCodes.SchemaWriteRefused);
                        }
                    }
                    else
                    {
                        ThrowIfRevoked(stream);
                        await WaitWritableAsync(stream, stmt, raw.sqlite3_sql(stmt).utf8_to_string() ?? "", cancellationToken);
                        Run(stream, stmt, wantRows: false, budget: null, timeProvider.GetTimestamp());
                    }
                }
            }

            // A tail no shorter than the input would loop forever; SQLite always consumes something.
            if (tail is null || tail.Length >= remaining.Length)
            {
                break;
            }

            remaining = tail;
        }
    }

    // A sequence passes no budget: it answers no rows.
    private StmtResult Run(HranaStream stream, sqlite3_stmt stmt, bool wantRows, ResponseBudget? budget, long started)
    {
        var db = stream.Handle;
        var changesBefore = raw.sqlite3_total_changes(db);
        var heldBefore = budget?.Held ?? 0;
        ResultColumn[]? columns = null;
        var rows = new List<HranaValue[]>();
        long returned = 0;
        try
        {
            while (true)
            {
                var rc = raw.sqlite3_step(stmt);
                // Read after the first step: a reused statement is prepared again there when the schema changed (SELECT * grows).
                columns ??= Columns(stmt);
                if (rc == raw.SQLITE_ROW)
                {
                    returned++;
                    if (wantRows)
                    {
                        // Stopped at the limit: the statement is reset when it is kept, and runs no further.
                        rows.Add(ReadRow(stmt, columns.Length, budget!) ?? throw Stopped(db, budget!, changesBefore));
                    }

                    continue;
                }

                if (rc == raw.SQLITE_DONE)
                {
                    break;
                }

                throw Failure(stream, rc, preparing: false);
            }

            columns ??= Columns(stmt);
            if (budget is not null && !budget.TryTake(ResultSize(columns)))
            {
                throw Stopped(db, budget, changesBefore);
            }
        }
        catch
        {
            // The rows read so far are dropped with the statement's result.
            budget?.ReturnTo(heldBefore);
            throw;
        }

        var written = raw.sqlite3_total_changes(db) - changesBefore;
        // changes() and last_insert_rowid() keep the last DML's values; report them only for a statement that wrote.
        var wrote = written > 0 && raw.sqlite3_stmt_readonly(stmt) == 0;
        return new StmtResult(
            columns,
            rows,
            wrote ? raw.sqlite3_changes(db) : 0,
            wrote ? raw.sqlite3_last_insert_rowid(db) : null,
            returned + raw.sqlite3_stmt_status(stmt, raw.SQLITE_STMTSTATUS_FULLSCAN_STEP, 0),
            written,
            timeProvider.GetElapsedTime(started).TotalMilliseconds);
    }

    private static HranaRequestException Stopped(sqlite3 db, ResponseBudget budget, long changesBefore) =>
        new(budget.Stopped(wrote: raw.sqlite3_total_changes(db) > changesBefore));

    private static long ResultSize(ResultColumn[] columns)
    {
        long size = ResultBytes;
        foreach (var column in columns)
        {
            size += ColumnBytes + (column.Name?.Length ?? 0) + (column.DeclType?.Length ?? 0);
        }

        return size;
    }

    private static ResultColumn[] Columns(sqlite3_stmt stmt)
    {
        var columns = new ResultColumn[raw.sqlite3_column_count(stmt)];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = new ResultColumn(raw.sqlite3_column_name(stmt, i).utf8_to_string(), raw.sqlite3_column_decltype(stmt, i).utf8_to_string());
        }

        return columns;
    }

    // Null when the row does not fit the response's budget; a text or blob is sized before it is copied out of SQLite, so a
    // value past the limit never reaches managed memory.
    private static HranaValue[]? ReadRow(sqlite3_stmt stmt, int count, ResponseBudget budget)
    {
        var row = new HranaValue[count];
        long size = RowBytes;
        for (var i = 0; i < count; i++)
        {
            switch (raw.sqlite3_column_type(stmt, i))
            {
                case raw.SQLITE_INTEGER:
                    size += SmallValueBytes;
                    row[i] = new HranaValue(HranaValueKind.Integer, Integer: raw.sqlite3_column_int64(stmt, i));
                    break;
                case raw.SQLITE_FLOAT:
                    size += SmallValueBytes;
                    row[i] = new HranaValue(HranaValueKind.Float, Float: raw.sqlite3_column_double(stmt, i));
                    break;
                case raw.SQLITE_TEXT:
                    // UTF-8 bytes, without JSON escapes: the libSQL server's estimate too.
                    size += TextValueBytes + raw.sqlite3_column_bytes(stmt, i);
                    if (!budget.CanTake(size))
                    {
                        return null;
                    }

                    row[i] = new HranaValue(HranaValueKind.Text, Text: raw.sqlite3_column_text(stmt, i).utf8_to_string() ?? "");
                    break;
                case raw.SQLITE_BLOB:
                    // The length of a zeroblob() is known without building it.
                    size += BlobValueBytes + ((raw.sqlite3_column_bytes(stmt, i) + 2L) / 3 * 4);
                    if (!budget.CanTake(size))
                    {
                        return null;
                    }

                    row[i] = new HranaValue(HranaValueKind.Blob, Blob: raw.sqlite3_column_blob(stmt, i).ToArray());
                    break;
                default:
                    size += SmallValueBytes;
                    row[i] = HranaValue.Null;
                    break;
            }
        }

        return budget.TryTake(size) ? row : null;
    }

    private static sqlite3_stmt PrepareSingle(HranaStream stream, string sql)
    {
        var rc = raw.sqlite3_prepare_v2(stream.Handle, sql, out var stmt, out var tail);
        if (rc != raw.SQLITE_OK)
        {
            stmt?.Dispose();
            throw Failure(stream, rc, preparing: true);
        }

        if (stmt is null || stmt.IsInvalid)
        {
            stmt?.Dispose();
            throw new HranaRequestException("The SQL text contains no statement.", HranaErrorCodes.NoStatement);
        }

        if (!string.IsNullOrWhiteSpace(tail) && HasStatement(stream, tail))
        {
            stmt.Dispose();
            throw new HranaRequestException(
                "The SQL text contains more than one statement; send one per execute, or use a batch or a sequence.", HranaErrorCodes.ManyStatements);
        }

        return stmt;
    }

    // A tail of semicolons, spaces or comments is fine; anything SQLite would prepare (or fails to) is a second statement.
    private static bool HasStatement(HranaStream stream, string tail)
    {
        var rc = raw.sqlite3_prepare_v2(stream.Handle, tail, out var next, out _);
        using (next)
        {
            return rc != raw.SQLITE_OK || (next is not null && !next.IsInvalid);
        }
    }

    private static void Bind(HranaStream stream, sqlite3_stmt stmt, HranaStatement statement)
    {
        var count = raw.sqlite3_bind_parameter_count(stmt);
        if (statement.Args.Count > count)
        {
            throw new HranaRequestException(
                $"Arguments do not match SQL parameters: the statement has {count} parameter(s) but {statement.Args.Count} positional argument(s) were sent.",
                HranaErrorCodes.ArgsInvalid);
        }

        var bound = new bool[count + 1];
        for (var i = 0; i < statement.Args.Count; i++)
        {
            BindValue(stream, stmt, i + 1, statement.Args[i]);
            bound[i + 1] = true;
        }

        // Named arguments come second so that they win over a positional argument for the same parameter.
        foreach (var (name, value) in statement.NamedArgs)
        {
            var index = ParameterIndex(stmt, name);
            if (index == 0)
            {
                throw new HranaRequestException($"Arguments do not match SQL parameters: the statement has no parameter named '{name}'.", HranaErrorCodes.ArgsInvalid);
            }

            BindValue(stream, stmt, index, value);
            bound[index] = true;
        }

        for (var index = 1; index <= count; index++)
        {
            if (!bound[index])
            {
                var name = raw.sqlite3_bind_parameter_name(stmt, index).utf8_to_string();
                throw new HranaRequestException(
                    name is null
                        ? $"Arguments do not match SQL parameters: no argument was sent for parameter {index}."
                        : $"Arguments do not match SQL parameters: no argument was sent for parameter '{name}'.",
                    HranaErrorCodes.ArgsInvalid);
            }
        }
    }

    // SQLite names include the prefix (:a, @a, $a); a client may send the bare name.
    private static int ParameterIndex(sqlite3_stmt stmt, string name)
    {
        if (name[0] is ':' or '@' or '$' or '?')
        {
            return raw.sqlite3_bind_parameter_index(stmt, name);
        }

        foreach (var prefix in (ReadOnlySpan<char>)[':', '@', '$'])
        {
            var index = raw.sqlite3_bind_parameter_index(stmt, prefix + name);
            if (index != 0)
            {
                return index;
            }
        }

        return 0;
    }

    private static void BindValue(HranaStream stream, sqlite3_stmt stmt, int index, HranaValue value)
    {
        var rc = value.Kind switch
        {
            HranaValueKind.Integer => raw.sqlite3_bind_int64(stmt, index, value.Integer),
            HranaValueKind.Float => raw.sqlite3_bind_double(stmt, index, value.Float),
            HranaValueKind.Text => raw.sqlite3_bind_text(stmt, index, value.Text ?? ""),
            // An empty span may bind NULL; an empty blob must stay a blob.
            HranaValueKind.Blob when value.Blob!.Length == 0 => raw.sqlite3_bind_zeroblob(stmt, index, 0),
            HranaValueKind.Blob => raw.sqlite3_bind_blob(stmt, index, value.Blob),
            _ => raw.sqlite3_bind_null(stmt, index),
        };
        if (rc != raw.SQLITE_OK)
        {
            throw Failure(stream, rc, preparing: false);
        }
    }

    // Writes wait at the tenant's write gate like every writer's; a transaction that takes the write lock up front counts as one.
    private static async ValueTask WaitWritableAsync(HranaStream stream, sqlite3_stmt stmt, string sql, CancellationToken cancellationToken)
    {
        if ((raw.sqlite3_stmt_readonly(stmt) != 0 && !LockingBegin().IsMatch(sql)) || await stream.Lease.WaitWritableAsync(cancellationToken))
        {
            return;
        }

        throw new HranaRequestException(
            $"Database '{stream.Database.Name.Value}' is being migrated: writes are paused until the migration is done. Retry the write in a moment; reads go on.",
            HranaErrorCodes.WritesBlocked);
    }

    private static void ThrowIfRevoked(HranaStream stream)
    {
        stream.StatementStarting();
        if (stream.Lease.Revoked is { } revoked)
        {
            throw new HranaRequestException(revoked.Message, HranaErrorCodes.ForRefusal(revoked.Reason));
        }
    }

    // A read-only token or organization role: any statement that writes, or takes the write lock up front, is refused before it runs.
    private static void ThrowIfReadOnlyCaller(HranaStream stream, sqlite3_stmt stmt, string sql)
    {
        if (stream.ReadOnlyCaller && (raw.sqlite3_stmt_readonly(stmt) == 0 || LockingBegin().IsMatch(sql)))
        {
            throw new HranaRequestException(
                $"Not authorized to write to database '{stream.Database.Name.Value}': these credentials are read-only (a read-only token, or an organization role "
                + "outside ORG_WRITE_ROLES). Reads go on; to write, use a full-access token (authorization=full-access).",
                HranaErrorCodes.ReadOnlyCaller);
        }
    }

    private static bool IsSchemaWrite(HranaStream stream, sqlite3_stmt stmt) =>
        stream.Database.Kind == DatabaseKind.Schema && raw.sqlite3_stmt_readonly(stmt) == 0;

    private static HranaRequestException Failure(HranaStream stream, int rc, bool preparing)
    {
        var message = raw.sqlite3_errmsg(stream.Handle).utf8_to_string() ?? "unknown error";
        var extended = raw.sqlite3_extended_errcode(stream.Handle);
        var refusal = TenantDatabaseFactory.Explain(new SqliteException(message, rc, extended), stream.Connection);
        if (refusal is not null)
        {
            return new HranaRequestException(refusal.Message, HranaErrorCodes.ForRefusal(refusal.Reason));
        }

        if (preparing && (rc & 0xFF) == raw.SQLITE_ERROR && IsParseError(message))
        {
            return new HranaRequestException($"SQL string could not be parsed: {message}", HranaErrorCodes.ParseError);
        }

        return new HranaRequestException($"SQLite error: {message}", HranaErrorCodes.ForSqlite(rc));
    }

    private static bool IsParseError(string message) =>
        message.Contains("syntax error", StringComparison.Ordinal) || message.Contains("incomplete input", StringComparison.Ordinal)
        || message.Contains("unrecognized token", StringComparison.Ordinal);

    // libSQL clients open read transactions with libSQL's own "BEGIN TRANSACTION READONLY", which SQLite cannot parse.
    private static string RewriteBegin(string sql) => ReadOnlyBegin().IsMatch(sql) ? "BEGIN DEFERRED" : sql;

    [GeneratedRegex(@"^\s*BEGIN\s+(TRANSACTION\s+)?READONLY\s*;?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReadOnlyBegin();

    [GeneratedRegex(@"^\s*BEGIN\s+(IMMEDIATE|EXCLUSIVE)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LockingBegin();
}

using Tenancy.Databases;

namespace TenantService.Hrana;

/// <summary>
/// Error codes as libSQL servers send them: SQLite's result names for SQLite errors, and the server's own
/// names for protocol and stream errors, so clients that branch on <c>code</c> keep working.
/// </summary>
internal static class HranaErrorCodes
{
    public const string ParseError = "SQL_PARSE_ERROR";
    public const string NoStatement = "SQL_NO_STATEMENT";
    public const string ManyStatements = "SQL_MANY_STATEMENTS";
    public const string ArgsInvalid = "ARGS_INVALID";
    public const string SqlNotFound = "SQL_NOT_FOUND";
    public const string SqlExists = "SQL_EXISTS";
    public const string SqlStoreTooMany = "SQL_STORE_TOO_MANY";
    public const string StreamClosed = "STREAM_CLOSED";
    public const string StreamExpired = "STREAM_EXPIRED";
    public const string BatonInvalid = "BATON_INVALID";
    public const string StreamsExhausted = "STREAMS_EXHAUSTED";
    public const string ProtocolError = "PROTOCOL_ERROR";
    public const string DatabaseNotFound = "DATABASE_NOT_FOUND";
    public const string DatabaseUnavailable = "DATABASE_UNAVAILABLE";
    public const string WritesBlocked = "SQLITE_BUSY";
    public const string InvalidName = "INVALID_DATABASE_NAME";
    public const string BodyTooLarge = "BODY_TOO_LARGE";
    public const string SchemaWriteRefused = "SCHEMA_WRITE_REFUSED";
    public const string ResponseTooLarge = "RESPONSE_TOO_LARGE";
    public const string Unknown = "SQLITE_UNKNOWN";
    public const string TransactionTimeout = "TRANSACTION_TIMEOUT";

    // SQLite's own code for a refused write: clients that branch on it already treat it as "this connection cannot write".
    public const string ReadOnlyCaller = "SQLITE_READONLY";

    /// <summary>The code of a guard's refusal: what SQLite itself reports for it.</summary>
    public static string ForRefusal(DatabaseRefusalReason reason) => reason switch
    {
        DatabaseRefusalReason.StatementTimeout => "SQLITE_INTERRUPT",
        DatabaseRefusalReason.SizeLimit or DatabaseRefusalReason.TempSizeLimit => "SQLITE_FULL",
        // The libSQL server's code for a transaction it rolled back at its time limit.
        DatabaseRefusalReason.TransactionTimeout => TransactionTimeout,
        DatabaseRefusalReason.ConnectionRevoked => "SQLITE_ABORT",
        _ => "SQLITE_AUTH",
    };

    /// <summary>SQLite's name for a primary result code (the low byte of an extended code).</summary>
    public static string ForSqlite(int resultCode) => (resultCode & 0xFF) switch
    {
        1 => "SQLITE_ERROR",
        2 => "SQLITE_INTERNAL",
        3 => "SQLITE_PERM",
        4 => "SQLITE_ABORT",
        5 => "SQLITE_BUSY",
        6 => "SQLITE_LOCKED",
        7 => "SQLITE_NOMEM",
        8 => "SQLITE_READONLY",
        9 => "SQLITE_INTERRUPT",
        10 => "SQLITE_IOERR",
        11 => "SQLITE_CORRUPT",
        12 => "SQLITE_NOTFOUND",
        13 => "SQLITE_FULL",
        14 => "SQLITE_CANTOPEN",
        15 => "SQLITE_PROTOCOL",
        17 => "SQLITE_SCHEMA",
        18 => "SQLITE_TOOBIG",
        19 => "SQLITE_CONSTRAINT",
        20 => "SQLITE_MISMATCH",
        21 => "SQLITE_MISUSE",
        22 => "SQLITE_NOLFS",
        23 => "SQLITE_AUTH",
        25 => "SQLITE_RANGE",
        26 => "SQLITE_NOTADB",
        _ => Unknown,
    };
}

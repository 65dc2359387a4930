using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Tenancy.Databases;

/// <summary>
/// The per-connection state behind the factory's guards: the authorizer, the statement clock, the open
/// doors (schema changes, platform pragmas) and the reason for the last refusal.
/// </summary>
internal sealed class ConnectionGuard
{
    private const int VmStepsPerClockCheck = 1000;
    private const int SqliteError = 1;
    private const int SqliteAuth = 23;
    private const int SqliteInterrupt = 9;
    private const int SqliteFull = 13;
    // SQLite's own WAL hook, which ours replaces, checkpoints from this many frames on.
    private const int AutoCheckpointFrames = 1000;
    private const int WalHeaderBytes = 32;
    private const int WalFrameHeaderBytes = 24;

    private static readonly ConditionalWeakTable<SqliteConnection, ConnectionGuard> Guards = [];

    // Native callbacks find their guard by number: a stale number (a zombie connection finalizing late) finds nothing,
    // where a freed GCHandle would crash the process.
    private static readonly ConcurrentDictionary<nint, WeakReference<ConnectionGuard>> Installed = new();
    private static long _nextTraceId;
    private static readonly NativeSqlite.TraceCallback TraceDelegate = OnTrace;
    private static readonly IntPtr TracePointer = Marshal.GetFunctionPointerForDelegate(TraceDelegate);
    private static readonly NativeSqlite.WalHookCallback WalHookDelegate = OnWalCommit;
    private static readonly IntPtr WalHookPointer = Marshal.GetFunctionPointerForDelegate(WalHookDelegate);

    // Settable by tenants and harmless to the platform, or introspection that takes an argument.
    private static readonly HashSet<string> PragmasAllowedWithArgument = new(StringComparer.OrdinalIgnoreCase)
    {
        "foreign_keys", "defer_foreign_keys", "recursive_triggers", "case_sensitive_like", "reverse_unordered_selects",
        "automatic_index", "optimize", "analysis_limit", "wal_checkpoint", "integrity_check", "quick_check",
        "foreign_key_check", "foreign_key_list", "table_info", "table_xinfo", "table_list", "index_list", "index_info",
        "index_xinfo",
    };

    private readonly string _databaseName;
    private readonly DatabaseKind _kind;
    private readonly string? _schemaName;
    private readonly TenantDatabaseOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly delegate_authorizer _authorizer;
    private readonly delegate_progress _progress;
    private readonly HashSet<IntPtr> _runningStatements = [];
    private nint _traceId;
    private sqlite3? _handle;
    private long _maxWalFrames = long.MaxValue;
    private int _walOverBound;
    private int _writesTemp;
    private int _schemaChangePermits;
    private int _platformWrites;
    private int _readsOnly;
    private int _longStatements;
    private long _statementStartedAt;
    private DatabaseRefusal? _lastDenial;
    private DatabaseRefusal? _revoked;
    private bool _timedOut;

    public ConnectionGuard(string databaseName, DatabaseKind kind, string? schemaName, TenantDatabaseOptions options, TimeProvider timeProvider)
    {
        _databaseName = databaseName;
        _kind = kind;
        _schemaName = schemaName;
        _options = options;
        _timeProvider = timeProvider;
        _authorizer = Authorize;
        _progress = OnProgress;
    }

    public static void Attach(SqliteConnection connection, ConnectionGuard guard) => Guards.AddOrUpdate(connection, guard);

    public static ConnectionGuard? Find(SqliteConnection connection) => Guards.TryGetValue(connection, out var guard) ? guard : null;

    public static ConnectionGuard Require(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return Find(connection) ?? throw new ArgumentException(
            "This connection was not opened by a TenantDatabaseFactory; open it with TenantDatabaseFactory.Open.", nameof(connection));
    }

    /// <summary>Installs the guards on a connection just opened; <paramref name="pageSize"/> is its database's, for the WAL bound.</summary>
    public void Install(sqlite3 handle, long pageSize)
    {
        if (_kind == DatabaseKind.Platform)
        {
            return;
        }

        _maxWalFrames = (_options.MaxWalSizeBytes - WalHeaderBytes) / (pageSize + WalFrameHeaderBytes);

        raw.sqlite3_enable_load_extension(handle, 0);
        raw.sqlite3_limit(handle, raw.SQLITE_LIMIT_LENGTH, _options.MaxValueBytes);
        raw.sqlite3_set_authorizer(handle, _authorizer, null);
        raw.sqlite3_progress_handler(handle, VmStepsPerClockCheck, _progress, null);
        Uninstall();
        _handle = handle;
        _traceId = (nint)Interlocked.Increment(ref _nextTraceId);
        Installed[_traceId] = new WeakReference<ConnectionGuard>(this);
        NativeSqlite.TraceV2(handle.DangerousGetHandle(), NativeSqlite.TraceStatement | NativeSqlite.TraceProfile, TracePointer, _traceId);
        NativeSqlite.WalHook(handle.DangerousGetHandle(), WalHookPointer, _traceId);
    }

    /// <summary>
    /// True once after a commit on this connection left the WAL past <see cref="TenantDatabaseOptions.MaxWalSizeBytes"/> with a
    /// checkpoint unable to copy all of it: some reader holds an old snapshot. Costs no system call: the WAL hook counted.
    /// </summary>
    public bool TakeWalOverBound() => Interlocked.Exchange(ref _walOverBound, 0) != 0;

    public void Uninstall()
    {
        if (_traceId != 0)
        {
            Installed.TryRemove(_traceId, out _);
            _traceId = 0;
        }

        _handle = null;
        _runningStatements.Clear();
    }

    public IDisposable AllowSchemaChanges()
    {
        Interlocked.Increment(ref _schemaChangePermits);
        return new Door(() => Interlocked.Decrement(ref _schemaChangePermits));
    }

    public IDisposable AllowLongStatements()
    {
        Interlocked.Increment(ref _longStatements);
        return new Door(() => Interlocked.Decrement(ref _longStatements));
    }

    // A read lease on the writer connection: statements prepared meanwhile may not write or change the schema.
    public IDisposable OnlyReads()
    {
        Interlocked.Increment(ref _readsOnly);
        return new Door(() => Interlocked.Decrement(ref _readsOnly));
    }

    /// <summary>Opens the door for the platform's own writes of guarded settings (the schema version).</summary>
    public IDisposable AllowPlatformWrites()
    {
        Interlocked.Increment(ref _platformWrites);
        return new Door(() => Interlocked.Decrement(ref _platformWrites));
    }

    /// <summary>Interrupts what runs on the connection now and every statement after, explaining each with <paramref name="refusal"/>.</summary>
    public void Revoke(sqlite3 handle, DatabaseRefusal refusal)
    {
        Volatile.Write(ref _revoked, refusal);
        raw.sqlite3_interrupt(handle);
    }

    public DatabaseRefusal? Explain(SqliteException exception) => exception.SqliteErrorCode switch
    {
        SqliteInterrupt when Volatile.Read(ref _revoked) is { } revoked => revoked,
        SqliteAuth => _lastDenial,
        // A denied function reports SQLITE_ERROR "not authorized to use function: ...", not SQLITE_AUTH.
        SqliteError when exception.Message.Contains("not authorized", StringComparison.Ordinal) => _lastDenial,
        SqliteInterrupt when _timedOut => new DatabaseRefusal(DatabaseRefusalReason.StatementTimeout, TimeoutMessage()),
        SqliteFull when _kind != DatabaseKind.Platform => FullRefusal(),
        _ => null,
    };

    // SQLite says "database or disk is full" for both caps; the one with less room left was hit, and TEMP only if written at all.
    private DatabaseRefusal FullRefusal() =>
        Volatile.Read(ref _writesTemp) != 0 && _handle is { IsClosed: false } handle && Headroom(handle, "temp") <= Headroom(handle, "main")
            ? new DatabaseRefusal(
                DatabaseRefusalReason.TempSizeLimit,
                $"TEMP tables and indexes of this connection to database '{_databaseName}' reached their limit of {FormatBytes(_options.MaxTempSizeBytes)} (Tenancy__MaxTempSizeBytes); writes to them are refused, the database itself is not affected. Drop temporary tables you no longer need, or keep large data in the database.")
            : new DatabaseRefusal(
                DatabaseRefusalReason.SizeLimit,
                $"Database '{_databaseName}' reached its size limit of {FormatBytes(_options.MaxDatabaseSizeBytes)} (Tenancy__MaxDatabaseSizeBytes); writes are refused, reads go on. Delete data to make room.");

    private static long Headroom(sqlite3 handle, string schema) =>
        (Pragma(handle, $"PRAGMA {schema}.max_page_count") - Pragma(handle, $"PRAGMA {schema}.page_count")) * Pragma(handle, $"PRAGMA {schema}.page_size");

    private static long Pragma(sqlite3 handle, string sql)
    {
        var rc = raw.sqlite3_prepare_v2(handle, sql, out var statement);
        using (statement)
        {
            return rc == raw.SQLITE_OK && raw.sqlite3_step(statement) == raw.SQLITE_ROW ? raw.sqlite3_column_int64(statement, 0) : 0;
        }
    }

    private string TimeoutMessage() =>
        string.Create(CultureInfo.InvariantCulture, $"The statement exceeded the {_options.StatementTimeout.TotalSeconds:0.###} s limit on database '{_databaseName}' and was interrupted.");

    private int Authorize(object userData, int actionCode, utf8z param0, utf8z param1, utf8z dbName, utf8z trigger)
    {
        var refusal = actionCode switch
        {
            raw.SQLITE_ATTACH or raw.SQLITE_DETACH => new DatabaseRefusal(
                DatabaseRefusalReason.Attach,
                $"ATTACH and DETACH are not allowed on database '{_databaseName}': a connection reaches only its own database."),
            raw.SQLITE_FUNCTION when string.Equals(param1.utf8_to_string(), "load_extension", StringComparison.OrdinalIgnoreCase) =>
                new DatabaseRefusal(DatabaseRefusalReason.LoadExtension, $"load_extension is not allowed on database '{_databaseName}'."),
            _ when (IsWrite(actionCode) || IsSchemaChange(actionCode)) && Volatile.Read(ref _readsOnly) > 0 => new DatabaseRefusal(
                DatabaseRefusalReason.ReadOnly, $"A read of database '{_databaseName}' cannot write."),
            raw.SQLITE_PRAGMA => AuthorizePragma(param0.utf8_to_string(), param1.utf8_to_string()),
            _ when _kind == DatabaseKind.Child && IsSchemaChange(actionCode) && Volatile.Read(ref _schemaChangePermits) == 0
                && !IsInternalObject(param0) => new DatabaseRefusal(
                DatabaseRefusalReason.SchemaChangeOnChild,
                _schemaName is null
                    ? $"Schema changes on child database '{_databaseName}' are not allowed: schema changes go through its schema database as a migration."
                    : $"Schema changes on child database '{_databaseName}' are not allowed: schema changes go through the schema database '{_schemaName}' as a migration."),
            _ => null,
        };

        if (refusal is null)
        {
            if (IsWrite(actionCode) && string.Equals(dbName.utf8_to_string(), "temp", StringComparison.Ordinal))
            {
                Volatile.Write(ref _writesTemp, 1);
            }

            return raw.SQLITE_OK;
        }

        _lastDenial = refusal;
        return raw.SQLITE_DENY;
    }

    private DatabaseRefusal? AuthorizePragma(string? name, string? argument)
    {
        if (name is null || argument is null || PragmasAllowedWithArgument.Contains(name))
        {
            return null;
        }

        if (string.Equals(name, "user_version", StringComparison.OrdinalIgnoreCase))
        {
            return Volatile.Read(ref _platformWrites) > 0
                ? null
                : new DatabaseRefusal(
                    DatabaseRefusalReason.Pragma,
                    $"PRAGMA user_version holds the platform's schema version of database '{_databaseName}'; it changes only through migrations.");
        }

        return new DatabaseRefusal(
            DatabaseRefusalReason.Pragma,
            $"PRAGMA {name} cannot be changed on database '{_databaseName}': the platform controls it. Reading it (PRAGMA {name}) is allowed.");
    }

    // Only SQLite itself may create sqlite_* objects (ANALYZE's sqlite_stat1); they are statistics, not schema.
    private static bool IsInternalObject(utf8z name) =>
        name.utf8_to_string()?.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase) == true;

    private static bool IsSchemaChange(int actionCode) => actionCode is
        raw.SQLITE_CREATE_INDEX or raw.SQLITE_CREATE_TABLE or raw.SQLITE_CREATE_TRIGGER or raw.SQLITE_CREATE_VIEW or
        raw.SQLITE_DROP_INDEX or raw.SQLITE_DROP_TABLE or raw.SQLITE_DROP_TRIGGER or raw.SQLITE_DROP_VIEW or
        raw.SQLITE_ALTER_TABLE or raw.SQLITE_CREATE_VTABLE or raw.SQLITE_DROP_VTABLE;

    private static bool IsWrite(int actionCode) => actionCode is
        raw.SQLITE_INSERT or raw.SQLITE_UPDATE or raw.SQLITE_DELETE or raw.SQLITE_CREATE_TEMP_TABLE or raw.SQLITE_CREATE_TEMP_INDEX;

    private int OnProgress(object userData)
    {
        if (Volatile.Read(ref _revoked) is not null)
        {
            return 1;
        }

        if (_runningStatements.Count == 0 || Volatile.Read(ref _longStatements) > 0 || _timeProvider.GetElapsedTime(_statementStartedAt) <= _options.StatementTimeout)
        {
            return 0;
        }

        _timedOut = true;
        return 1;
    }

    private static int OnTrace(uint mask, IntPtr context, IntPtr statement, IntPtr x)
    {
        if (!Installed.TryGetValue(context, out var reference) || !reference.TryGetTarget(out var guard))
        {
            return 0;
        }

        if (mask == NativeSqlite.TraceStatement)
        {
            // Trigger programs report the running statement again, as "-- name": not a new start. The text check
            // keeps a statement pointer reused after a missed end from looking like a trigger.
            var isSubprogram = x != IntPtr.Zero && Marshal.ReadByte(x) == (byte)'-' && Marshal.ReadByte(x, 1) == (byte)'-';
            if (guard._runningStatements.Add(statement) || !isSubprogram)
            {
                guard._statementStartedAt = guard._timeProvider.GetTimestamp();
                guard._timedOut = false;
                guard._lastDenial = null;
            }
        }
        else if (mask == NativeSqlite.TraceProfile)
        {
            guard._runningStatements.Remove(statement);
        }

        return 0;
    }

    // Runs after every commit, inside it: no system call unless a checkpoint is due.
    private static int OnWalCommit(IntPtr context, IntPtr db, IntPtr schema, int frames)
    {
        var guard = Installed.TryGetValue(context, out var reference) && reference.TryGetTarget(out var found) ? found : null;
        var overBound = guard is not null && frames > guard._maxWalFrames;
        if (frames >= AutoCheckpointFrames || overBound)
        {
            NativeSqlite.WalCheckpoint(db, schema, NativeSqlite.CheckpointPassive, out var logFrames, out var copiedFrames);
            // Frames left uncopied are held for a reader's old snapshot: only ending it lets the log restart.
            if (overBound && copiedFrames < logFrames)
            {
                Volatile.Write(ref guard!._walOverBound, 1);
            }
        }

        return 0;
    }

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 30} GiB"),
        >= 1L << 20 when bytes % (1L << 20) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 20} MiB"),
        >= 1L << 10 when bytes % (1L << 10) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 10} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };

    private sealed class Door(Action close) : IDisposable
    {
        private int _closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                close();
            }
        }
    }
}

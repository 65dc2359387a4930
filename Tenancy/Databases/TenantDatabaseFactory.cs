using System.Data;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Tenancy.Databases;

/// <summary>
/// Opens tenant database connections with the platform's settings and guards. A refused statement fails with a
/// <see cref="SqliteException"/>; <see cref="Explain"/> turns it into a <see cref="DatabaseRefusal"/> that says why.
/// </summary>
/// <remarks>
/// <para>Every connection: <c>Pooling=False</c> (the caller owns and disposes it), <c>Mode=ReadWrite</c> or <c>ReadOnly</c>
/// (files are never created implicitly; <see cref="Create(string, DatabaseKind, string?)"/> makes new ones),
/// <c>journal_mode=WAL</c>, <c>busy_timeout</c>, <c>foreign_keys=ON</c>. Closing and reopening re-applies all of it.
/// Connections reserve no lookaside and grow their page caches page by page (set once per process, before the first).</para>
/// <para>Every kind but <see cref="DatabaseKind.Platform"/> also gets:</para>
/// <list type="bullet">
/// <item>a size cap: <c>max_page_count</c> from <see cref="TenantDatabaseOptions.MaxDatabaseSizeBytes"/>, so growing writes fail
/// with <c>SQLITE_FULL</c> while reads go on (a full disk also reports <c>SQLITE_FULL</c>), and a smaller one of its own for the
/// connection's TEMP tables and indexes (<c>temp.max_page_count</c> from <see cref="TenantDatabaseOptions.MaxTempSizeBytes"/>);</item>
/// <item>a WAL bound: <c>journal_size_limit</c> and a WAL hook from <see cref="TenantDatabaseOptions.MaxWalSizeBytes"/> (the hook also
/// runs SQLite's automatic checkpoint, which it replaces); the connection's owner asks <c>TakeWalOverBound</c> after writes;</item>
/// <item>a value limit (<c>SQLITE_LIMIT_LENGTH</c>) from <see cref="TenantDatabaseOptions.MaxValueBytes"/>;</item>
/// <item>a per-statement time limit, measured on the injected clock from a statement's first step (so a reader kept open
/// counts too) and checked every 1,000 VM steps; lift it for the platform's own long work with <see cref="AllowLongStatements"/>;</item>
/// <item>one authorizer that refuses <c>ATTACH</c>/<c>DETACH</c> (and so <c>VACUUM</c>, which attaches a scratch
/// database), <c>load_extension</c>, <c>PRAGMA</c>s that set anything but a short list of harmless settings
/// (<c>foreign_keys</c>, <c>defer_foreign_keys</c>, <c>recursive_triggers</c>, <c>optimize</c>, ...; reading any pragma is allowed),
/// <c>PRAGMA user_version</c> writes except through <see cref="DatabaseVersion.Write"/>, and on a <see cref="DatabaseKind.Child"/>
/// every schema change (tables, indexes, views, triggers, virtual tables; TEMP objects and <c>ANALYZE</c> are allowed)
/// except inside <see cref="AllowSchemaChanges"/>.</item>
/// </list>
/// </remarks>
public sealed class TenantDatabaseFactory
{
    private readonly TenantDatabaseOptions _options;
    private readonly TimeProvider _timeProvider;
    private static readonly bool s_sqliteConfigured;

    // Every connection of the process comes from a factory, so this runs before SQLite's first one.
    static TenantDatabaseFactory()
    {
        s_sqliteConfigured = NativeSqlite.TryConfigure();
        SqlitePoolGroups.StartPruning();
    }

    /// <summary>Creates a factory.</summary>
    /// <param name="layout">Where database files live.</param>
    /// <param name="options">Limits for every connection; <see cref="TenancyExtensions.AddTenantDatabases{TBuilder}"/> validates the settings they come from at start.</param>
    /// <param name="timeProvider">The clock for statement time limits.</param>
    /// <param name="logger">Warns when this build cannot size SQLite's per-connection memory or prune Microsoft.Data.Sqlite's pool groups.</param>
    public TenantDatabaseFactory(DatabaseLayout layout, TenantDatabaseOptions options, TimeProvider timeProvider, ILogger<TenantDatabaseFactory>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Layout = layout;
        _options = options;
        _timeProvider = timeProvider;
        if (!s_sqliteConfigured && OperatingSystem.IsLinux())
        {
            logger?.LogWarning("SQLite was configured before this factory's first connection: every connection reserves ~240 KiB instead of ~45 KiB, and SQLite keeps memory statistics under one global mutex.");
        }

        if (!SqlitePoolGroups.CanPrune)
        {
            logger?.LogWarning("Microsoft.Data.Sqlite's pool-group prune pass was not found in this build: every tenant opened keeps ~760 bytes of heap for minutes.");
        }
    }

    /// <summary>Where database files live.</summary>
    public DatabaseLayout Layout { get; }

    /// <summary>The limits applied to every connection.</summary>
    public TenantDatabaseOptions Options => _options;

    /// <summary>Opens the existing database <paramref name="name"/> (at <see cref="DatabaseLayout.DatabasePath"/>).</summary>
    /// <param name="name">The database.</param>
    /// <param name="kind">What the database is; decides the guards.</param>
    /// <param name="schemaName">For a child, the schema database it follows (named in refusals).</param>
    /// <param name="readOnly">Open read-only.</param>
    /// <returns>An open connection the caller must dispose.</returns>
    /// <exception cref="FileNotFoundException">The database has no file.</exception>
    public SqliteConnection Open(DatabaseName name, DatabaseKind kind, string? schemaName = null, bool readOnly = false) =>
        Open(Layout.DatabasePath(name), kind, schemaName, readOnly);

    /// <summary>Opens the existing database file at <paramref name="path"/> (for example a temporary copy).</summary>
    /// <param name="path">The database file.</param>
    /// <param name="kind">What the database is; decides the guards.</param>
    /// <param name="schemaName">For a child, the schema database it follows (named in refusals).</param>
    /// <param name="readOnly">Open read-only.</param>
    /// <returns>An open connection the caller must dispose.</returns>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public SqliteConnection Open(string path, DatabaseKind kind, string? schemaName = null, bool readOnly = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Database '{Path.GetFileNameWithoutExtension(path)}' has no file at '{path}'.", path);
        }

        return Connect(path, kind, schemaName, readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite);
    }

    /// <summary>Creates a new, empty database file at <paramref name="path"/> (and its folder) and opens it.</summary>
    /// <param name="path">The database file; must not exist yet.</param>
    /// <param name="kind">What the database is; decides the guards.</param>
    /// <param name="schemaName">For a child, the schema database it follows (named in refusals).</param>
    /// <returns>An open connection the caller must dispose.</returns>
    /// <exception cref="IOException">A file already exists at <paramref name="path"/>.</exception>
    public SqliteConnection Create(string path, DatabaseKind kind, string? schemaName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // CreateNew makes "already exists" an atomic check, so two racing creates cannot share a file.
        using (new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
        }

        try
        {
            return Connect(path, kind, schemaName, SqliteOpenMode.ReadWrite);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Creates the new, empty database <paramref name="name"/> at <see cref="DatabaseLayout.DatabasePath"/> and opens it.</summary>
    /// <param name="name">The database; its file must not exist yet.</param>
    /// <param name="kind">What the database is; decides the guards.</param>
    /// <param name="schemaName">For a child, the schema database it follows (named in refusals).</param>
    /// <returns>An open connection the caller must dispose.</returns>
    /// <exception cref="IOException">The database's file already exists.</exception>
    public SqliteConnection Create(DatabaseName name, DatabaseKind kind, string? schemaName = null) =>
        Create(Layout.DatabasePath(name), kind, schemaName);

    /// <summary>
    /// Lets a child connection change its schema until the returned scope is disposed: the migration runner's door.
    /// Scopes nest. Has no effect on kinds that allow schema changes anyway.
    /// </summary>
    /// <param name="connection">A connection opened by a <see cref="TenantDatabaseFactory"/>.</param>
    /// <returns>The scope; dispose it to close the door again.</returns>
    /// <exception cref="ArgumentException">The connection was not opened by a factory.</exception>
    public IDisposable AllowSchemaChanges(SqliteConnection connection) => ConnectionGuard.Require(connection).AllowSchemaChanges();

    /// <summary>
    /// Lifts the per-statement time limit on <paramref name="connection"/> until the returned scope is disposed: for the
    /// platform's own long work (dumps, data migrations), never for tenant SQL. Scopes nest.
    /// </summary>
    /// <param name="connection">A connection opened by a <see cref="TenantDatabaseFactory"/>.</param>
    /// <returns>The scope; dispose it to restore the limit.</returns>
    /// <exception cref="ArgumentException">The connection was not opened by a factory.</exception>
    public IDisposable AllowLongStatements(SqliteConnection connection) => ConnectionGuard.Require(connection).AllowLongStatements();

    /// <summary>
    /// Explains an error from a connection this factory opened: a guard's refusal, the statement time limit, or the size cap.
    /// </summary>
    /// <param name="exception">The error a command threw.</param>
    /// <param name="connection">The connection the command ran on.</param>
    /// <returns>The refusal, or <c>null</c> when the error is not one of the platform's limits.</returns>
    public static DatabaseRefusal? Explain(SqliteException exception, SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(connection);
        return ConnectionGuard.Find(connection)?.Explain(exception);
    }

    private SqliteConnection Connect(string path, DatabaseKind kind, string? schemaName, SqliteOpenMode mode)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(_options.BusyTimeout.TotalSeconds),
        };
        var connection = new SqliteConnection(builder.ConnectionString);
        var guard = new ConnectionGuard(Path.GetFileNameWithoutExtension(path), kind, schemaName, _options, _timeProvider);
        ConnectionGuard.Attach(connection, guard);
        connection.StateChange += (_, e) =>
        {
            if (e.CurrentState == ConnectionState.Open)
            {
                var pageSize = ApplySettings(connection, kind, mode == SqliteOpenMode.ReadOnly);
                guard.Install(connection.Handle!, pageSize);
            }
            else if (e.CurrentState == ConnectionState.Closed)
            {
                guard.Uninstall();
            }
        };

        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    // Returns the database's page size (0 for the platform's own database, which gets no caps).
    private long ApplySettings(SqliteConnection connection, DatabaseKind kind, bool readOnly)
    {
        using var command = connection.CreateCommand();
        var busyMs = (long)_options.BusyTimeout.TotalMilliseconds;
        command.CommandText = readOnly
            ? $"PRAGMA busy_timeout = {busyMs}; PRAGMA foreign_keys = ON;"
            : $"PRAGMA journal_mode = WAL; PRAGMA busy_timeout = {busyMs}; PRAGMA foreign_keys = ON;";
        command.ExecuteNonQuery();
        if (kind == DatabaseKind.Platform)
        {
            return 0;
        }

        command.CommandText = "PRAGMA page_size";
        var pageSize = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        command.CommandText = "PRAGMA temp.page_size";
        var tempPageSize = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        var maxPages = Math.Max(1, _options.MaxDatabaseSizeBytes / pageSize);
        // TEMP tables live in deleted files outside DATA_DIR, one set per connection: a cap of their own, or they would be a way around the size cap.
        var maxTempPages = Math.Max(1, _options.MaxTempSizeBytes / tempPageSize);
        command.CommandText = readOnly
            ? string.Create(CultureInfo.InvariantCulture, $"PRAGMA temp.max_page_count = {maxTempPages}")
            : string.Create(CultureInfo.InvariantCulture,
                $"PRAGMA max_page_count = {maxPages}; PRAGMA temp.max_page_count = {maxTempPages}; PRAGMA journal_size_limit = {_options.MaxWalSizeBytes}");
        command.ExecuteNonQuery();
        return pageSize;
    }
}

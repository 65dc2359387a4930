using Tenancy.Databases;
using Tenancy.Metadata;

namespace Tenancy.Connections;

/// <summary>
/// A tenant database to run statements on, whichever way it is reached: an application's queries depend on this, not
/// on SQLite's types, so a database can move behind it: a leased local connection (<see cref="TenantLease"/>) or a session
/// on a remote libSQL server (the record's <see cref="TenantRecord.Placement"/>). Either way a SQL error is a
/// <c>SqliteException</c> with SQLite's code; a remote server that is down or too slow throws
/// <see cref="TenantUnavailableException"/>, one that no longer has the database <see cref="TenantNotFoundException"/>.
/// Dispose it to hand it back.
/// </summary>
public interface ITenantSession : IDisposable
{
    /// <summary>The tenant database.</summary>
    DatabaseName Database { get; }

    /// <summary>The tenant's metadata when the session was granted (schema version, blocks).</summary>
    TenantRecord Tenant { get; }

    /// <summary>Runs <paramref name="sql"/> and reads each row with <paramref name="read"/>, at most <paramref name="maxRows"/> of them.</summary>
    /// <param name="sql">A parameterized statement; values go in <paramref name="arguments"/>, never in the text.</param>
    /// <param name="read">Turns the current row into a value; the row is only valid during the call.</param>
    /// <param name="maxRows">Stops reading after this many rows.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <param name="arguments">Named arguments, e.g. <c>("@id", 42)</c>; <c>null</c> binds SQL NULL.</param>
    /// <returns>The rows read.</returns>
    Task<List<T>> QueryAsync<T>(string sql, Func<ITenantRow, T> read, int maxRows, CancellationToken cancellationToken, params (string Name, object? Value)[] arguments);

    /// <summary>Runs <paramref name="sql"/> and returns how many rows it changed.</summary>
    /// <param name="sql">A parameterized statement.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <param name="arguments">Named arguments; <c>null</c> binds SQL NULL.</param>
    /// <returns>The rows changed.</returns>
    Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] arguments);
}

/// <summary>The current row of a <see cref="ITenantSession.QueryAsync{T}"/>, read by column position.</summary>
public interface ITenantRow
{
    /// <summary>The column as a 64-bit integer.</summary>
    long GetInt64(int ordinal);

    /// <summary>The column as text.</summary>
    string GetString(int ordinal);

    /// <summary>Whether the column is NULL.</summary>
    bool IsNull(int ordinal);
}

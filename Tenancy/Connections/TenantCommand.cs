using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Tenancy.Connections;

/// <summary>
/// One traced command on a leased tenant connection: a span with <c>db.system=sqlite</c>, <c>db.namespace</c> and
/// the parameterized statement runs from creation to disposal. Pass values as parameters, never as literals.
/// </summary>
public sealed class TenantCommand : IDisposable
{
    private readonly SqliteCommand _command;
    private readonly bool _owned;
    private readonly Activity? _activity;

    internal TenantCommand(SqliteCommand command, bool owned, string database)
    {
        _command = command;
        _owned = owned;
        _activity = TenancyTelemetry.Source.StartActivity(SpanName(command.CommandText, database), ActivityKind.Client);
        if (_activity is not null)
        {
            _activity.SetTag("db.system", "sqlite");
            _activity.SetTag("db.namespace", database);
            _activity.SetTag("db.query.text", command.CommandText);
        }
    }

    /// <summary>The command's parameters; cleared for each use.</summary>
    public SqliteParameterCollection Parameters => _command.Parameters;

    /// <summary>Runs the command and returns the number of rows changed.</summary>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The rows changed.</returns>
    public Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken = default) => Traced(_command.ExecuteNonQueryAsync(cancellationToken));

    /// <summary>Runs the command and returns the first column of the first row.</summary>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The value, or <c>null</c> when there is no row.</returns>
    public Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken = default) => Traced(_command.ExecuteScalarAsync(cancellationToken));

    /// <summary>Runs the command and returns a reader over its rows.</summary>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The reader; dispose it before the command.</returns>
    public Task<SqliteDataReader> ExecuteReaderAsync(CancellationToken cancellationToken = default) => Traced(_command.ExecuteReaderAsync(cancellationToken));

    /// <summary>Ends the span; the prepared statement stays cached on its connection.</summary>
    public void Dispose()
    {
        _activity?.Dispose();
        if (_owned)
        {
            _command.Dispose();
        }
    }

    private async Task<T> Traced<T>(Task<T> execution)
    {
        try
        {
            return await execution;
        }
        catch (SqliteException ex)
        {
            _activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            _activity?.SetTag("db.response.status_code", ex.SqliteErrorCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
            throw;
        }
    }

    // "SELECT tenant-db": the operation and where it ran, as database span names go.
    internal static string SpanName(string sql, string database)
    {
        var text = sql.AsSpan().TrimStart();
        var end = text.IndexOfAny(' ', '\n', '\t');
        var operation = end < 0 ? text : text[..end];
        return string.Concat(operation.ToString().ToUpperInvariant(), " ", database);
    }
}

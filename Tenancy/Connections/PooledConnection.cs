using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Tenancy.Connections;

/// <summary>
/// A cached connection with its prepared statements (ADO.NET commands for the services' own SQL, native statements
/// for libSQL streams), reused while the connection stays warm.
/// </summary>
internal sealed class PooledConnection(SqliteConnection connection) : IDisposable
{
    // Ad hoc SQL must not grow the caches without bound; services use a handful of statements.
    private const int MaxPreparedCommands = 64;

    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    // Prepared under ConnectionGuard.OnlyReads, so a cached write statement is never reused by a read.
    private readonly Dictionary<string, SqliteCommand> _readCommands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, sqlite3_stmt> _statements = new(StringComparer.Ordinal);
    private long _statementsEpoch;

    public SqliteConnection Connection => connection;

    public SqliteCommand Prepare(string sql, bool readsOnly = false)
    {
        var commands = readsOnly ? _readCommands : _commands;
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            if (commands.Count < MaxPreparedCommands)
            {
                commands[sql] = command;
            }
        }

        command.Parameters.Clear();
        return command;
    }

    /// <summary>Takes the native statement kept for <paramref name="sql"/>, if any; all are dropped when <paramref name="epoch"/> moved on.</summary>
    public sqlite3_stmt? TakeStatement(string sql, long epoch)
    {
        if (epoch != _statementsEpoch)
        {
            FinalizeStatements();
            _statementsEpoch = epoch;
        }

        return _statements.Remove(sql, out var statement) ? statement : null;
    }

    /// <summary>Keeps <paramref name="statement"/> for the next use of <paramref name="sql"/>, reset and unbound.</summary>
    public void KeepStatement(string sql, sqlite3_stmt statement, long epoch)
    {
        // A reset statement holds no lock and no snapshot; an unreset one would keep a read transaction open.
        raw.sqlite3_reset(statement);
        raw.sqlite3_clear_bindings(statement);
        if (epoch == _statementsEpoch && _statements.Count < MaxPreparedCommands && _statements.TryAdd(sql, statement))
        {
            return;
        }

        statement.Dispose();
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values.Concat(_readCommands.Values))
        {
            command.Dispose();
        }

        _commands.Clear();
        _readCommands.Clear();
        FinalizeStatements();
        connection.Dispose();
    }

    private void FinalizeStatements()
    {
        foreach (var statement in _statements.Values)
        {
            statement.Dispose();
        }

        _statements.Clear();
    }
}

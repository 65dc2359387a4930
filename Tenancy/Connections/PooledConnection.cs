using Microsoft.Data.Sqlite;

namespace Tenancy.Connections;

/// <summary>A cached connection with its prepared commands, reused while the connection stays warm.</summary>
internal sealed class PooledConnection(SqliteConnection connection) : IDisposable
{
    // Ad hoc SQL must not grow the cache without bound; services use a handful of statements.
    private const int MaxPreparedCommands = 64;

    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteConnection Connection => connection;

    public SqliteCommand Prepare(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            if (_commands.Count < MaxPreparedCommands)
            {
                _commands[sql] = command;
            }
        }

        command.Parameters.Clear();
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        connection.Dispose();
    }
}

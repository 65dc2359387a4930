using Microsoft.Data.Sqlite;

namespace TodoService.Tests;

/// <summary>A user database file read directly, as the next service to open it would (a WAL left behind is replayed).</summary>
internal static class TodoFile
{
    /// <summary>Every todo in the file, by id.</summary>
    public static Dictionary<long, string> Rows(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, description FROM todos";
        using var reader = command.ExecuteReader();
        var rows = new Dictionary<long, string>();
        while (reader.Read())
        {
            rows[reader.GetInt64(0)] = reader.GetString(1);
        }

        return rows;
    }

    /// <summary>The descriptions of every todo in the file.</summary>
    public static HashSet<string> Descriptions(string database) => [.. Rows(database).Values];

    /// <summary>What <c>PRAGMA integrity_check</c> says of the file ("ok" when whole).</summary>
    public static string? IntegrityCheck(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return command.ExecuteScalar() as string;
    }
}

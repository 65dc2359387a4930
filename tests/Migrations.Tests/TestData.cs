using Microsoft.Data.Sqlite;
using Tenancy.Databases;

namespace Migrations.Tests;

/// <summary>Temporary folders, and direct reads of database files (what is really in them, not what the API says).</summary>
internal static class TestData
{
    public static string NewDataDirectory() => Directory.CreateTempSubdirectory("migrations-test-").FullName;

    public static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A file may still be closing; the temp folder is the OS's to clean.
        }
    }

    /// <summary>Opens a database file read-only, outside any guard.</summary>
    public static SqliteConnection OpenFile(string dataDirectory, string name)
    {
        var path = new DatabaseLayout(dataDirectory).DatabasePath(DatabaseName.Parse(name));
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public static long Scalar(string dataDirectory, string name, string sql)
    {
        using var connection = OpenFile(dataDirectory, name);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static long UserVersion(string dataDirectory, string name) => Scalar(dataDirectory, name, "PRAGMA user_version");

    public static bool HasTable(string dataDirectory, string name, string table) =>
        Scalar(dataDirectory, name, $"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '{table}'") == 1;

    public static bool HasColumn(string dataDirectory, string name, string table, string column) =>
        Scalar(dataDirectory, name, $"SELECT count(*) FROM pragma_table_info('{table}') WHERE name = '{column}'") == 1;

    /// <summary>The file's schema, to compare before and after.</summary>
    public static string SchemaText(string dataDirectory, string name)
    {
        using var connection = OpenFile(dataDirectory, name);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name)";
        return command.ExecuteScalar() as string ?? "";
    }
}

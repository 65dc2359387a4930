using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Tenancy.Databases;
using Testing;

namespace TenantService.Tests;

[Collection(TenantServiceCollection.Name)]
public sealed class DumpTests(RedisFixture redis) : IAsyncLifetime
{
    private const string Sqlite3 = "/usr/bin/sqlite3";
    private readonly string _dataDirectory = TestData.NewDataDirectory();
    private TenantServiceApp _app = null!;
    private PlatformApi _api = null!;

    public async Task InitializeAsync()
    {
        _app = new TenantServiceApp(_dataDirectory, redis.ConnectionString);
        _api = new PlatformApi(_app.Platform());
        await _api.CreateOkAsync(new { name = "dumped" });
        using var connection = _app.DatabaseFactory.Open(DatabaseName.Parse("dumped"), DatabaseKind.Standalone);
        using var command = connection.CreateCommand();
        command.CommandText =
            """
            CREATE TABLE kinds (id INTEGER PRIMARY KEY AUTOINCREMENT, label TEXT, amount REAL, big INTEGER, data BLOB, note TEXT);
            CREATE INDEX kinds_label ON kinds (label);
            CREATE VIEW labelled AS SELECT id, label FROM kinds WHERE label IS NOT NULL;
            CREATE TABLE log (message TEXT NOT NULL);
            CREATE TRIGGER kinds_logged AFTER INSERT ON kinds BEGIN INSERT INTO log VALUES ('inserted ' || NEW.id); END;
            INSERT INTO kinds (label, amount, big, data, note) VALUES
                ('it''s "quoted"', 1.5, 9007199254740993, x'00ff10', 'line one
            line two'),
                ('ünïcödé ✓', -0.000123, -42, x'', NULL),
                (NULL, 1e300, 0, NULL, 'semi;colon -- not a comment');
            DELETE FROM kinds WHERE id = 2;
            INSERT INTO kinds (label) VALUES ('after a gap');
            """;
        command.ExecuteNonQuery();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        TestData.DeleteDirectory(_dataDirectory);
    }

    [Fact]
    public async Task TheDumpRebuildsTheDatabaseInTheSqlite3Shell()
    {
        Assert.True(File.Exists(Sqlite3), $"this test needs the sqlite3 shell at {Sqlite3} (apt-get install sqlite3)");
        var dump = await _api.GetTextAsync("/dumped/dump");
        var restored = Path.Combine(_dataDirectory, "restored-by-shell.db");

        var start = new ProcessStartInfo(Sqlite3, [restored]) { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        using (var shell = Process.Start(start)!)
        {
            await shell.StandardInput.WriteAsync(dump);
            shell.StandardInput.Close();
            var errors = await shell.StandardError.ReadToEndAsync();
            await shell.WaitForExitAsync();
            Assert.True(shell.ExitCode == 0 && errors.Length == 0, $"sqlite3 refused the dump: {errors}");
        }

        AssertSameContent(_app.Layout.DatabasePath(DatabaseName.Parse("dumped")), restored);
    }

    [Fact]
    public async Task TheDumpRebuildsTheDatabaseWithMicrosoftDataSqlite()
    {
        var dump = await _api.GetTextAsync("/dumped/dump");
        var restored = Path.Combine(_dataDirectory, "restored-by-library.db");
        using (var connection = new SqliteConnection($"Data Source={restored};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = dump;
            command.ExecuteNonQuery();
        }

        AssertSameContent(_app.Layout.DatabasePath(DatabaseName.Parse("dumped")), restored);
    }

    [Fact]
    public async Task TheSchemaListsTheCreateStatementsOnly()
    {
        var schema = await _api.GetTextAsync("/dumped/schema");
        Assert.Contains("CREATE TABLE kinds", schema);
        Assert.Contains("CREATE INDEX kinds_label", schema);
        Assert.Contains("CREATE VIEW labelled", schema);
        Assert.Contains("CREATE TRIGGER kinds_logged", schema);
        Assert.DoesNotContain("INSERT", schema.Replace("INSERT INTO log", "", StringComparison.Ordinal).Replace("AFTER INSERT", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PlatformBookkeepingStaysOutOfDumpsAndSchemas()
    {
        await _api.CreateOkAsync(new { name = "kept-private", schema = "todos-schema" });
        var dump = await _api.GetTextAsync("/kept-private/dump");
        var schema = await _api.GetTextAsync("/kept-private/schema");
        foreach (var text in new[] { dump, schema })
        {
            Assert.DoesNotContain("user_version", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("_platform", text, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains("CREATE TABLE todos", schema);
    }

    private static void AssertSameContent(string originalPath, string restoredPath)
    {
        Assert.Equal(Describe(originalPath), Describe(restoredPath));
    }

    private static string Describe(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var lines = new List<string>();
        using var schema = connection.CreateCommand();
        schema.CommandText = "SELECT type, name, sql FROM sqlite_schema ORDER BY type, name";
        var tables = new List<string>();
        using (var reader = schema.ExecuteReader())
        {
            while (reader.Read())
            {
                lines.Add($"{reader.GetString(0)} {reader.GetString(1)}: {(reader.IsDBNull(2) ? "" : reader.GetString(2))}");
                if (reader.GetString(0) == "table")
                {
                    tables.Add(reader.GetString(1));
                }
            }
        }

        foreach (var table in tables)
        {
            using var rows = connection.CreateCommand();
            rows.CommandText = $"SELECT * FROM \"{table}\" ORDER BY rowid";
            using var reader = rows.ExecuteReader();
            while (reader.Read())
            {
                var values = Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i)
                    ? "NULL"
                    : $"{reader.GetDataTypeName(i)}:{(reader.GetValue(i) is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))}");
                lines.Add($"{table}: {string.Join(" | ", values)}");
            }
        }

        return string.Join("\n", lines);
    }
}

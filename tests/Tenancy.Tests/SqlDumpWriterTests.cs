using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Databases;

namespace Tenancy.Tests;

public sealed class SqlDumpWriterTests : IDisposable
{
    private const string SqliteCli = "sqlite3";

    private const string Fixture = """
        CREATE TABLE "odd ""name"" table"(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            i INTEGER, r REAL, t TEXT, b BLOB, n,
            doubled TEXT GENERATED ALWAYS AS (t || t) VIRTUAL);
        CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id));
        CREATE TABLE parent(id INTEGER PRIMARY KEY, name TEXT UNIQUE);
        CREATE TABLE audit(what TEXT);
        CREATE TABLE empty(x);
        CREATE INDEX odd_t ON "odd ""name"" table"(t);
        CREATE VIEW parents_with_children AS SELECT p.name, count(c.id) AS children FROM parent p LEFT JOIN child c ON c.parent_id = p.id GROUP BY p.id;
        CREATE TRIGGER parent_audit AFTER INSERT ON parent BEGIN INSERT INTO audit VALUES ('parent ' || new.name); END;
        INSERT INTO parent VALUES (1, 'first');
        INSERT INTO child VALUES (1, 1);
        INSERT INTO "odd ""name"" table"(i, r, t, b, n) VALUES
            (9223372036854775807, 0.1, 'it''s "quoted"', X'00FF10', NULL),
            (-9223372036854775808, 1e300, 'unicode: żółw 🐢 中文', X'', 42),
            (0, -0.0, 'line one
        line two', NULL, 'text in an untyped column'),
            (1, 1.0, '', randomblob(300), 3.25),
            (NULL, 2.5e-308, 'tab	and backslash \ here', X'DEADBEEF', X'01'),
            (2, 1e999, 'infinity', NULL, -1e999),
            (3, 123456789.123456789, 'nul' || char(0) || 'inside', NULL, NULL);
        DELETE FROM "odd ""name"" table" WHERE i = 3;
        INSERT INTO "odd ""name"" table"(i, r, t) VALUES (3, 0.30000000000000004, 'after a delete');
        """;

    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private SqliteConnection CreateSource()
    {
        var source = _dir.Factory().Create(_dir.File("source.db"), DatabaseKind.Standalone);
        using var command = source.CreateCommand();
        command.CommandText = Fixture;
        command.ExecuteNonQuery();
        DatabaseVersion.Write(source, 5);
        return source;
    }

    private static async Task<string> DumpAsync(SqliteConnection connection)
    {
        using var writer = new StringWriter();
        await SqlDumpWriter.WriteAsync(connection, writer);
        return writer.ToString();
    }

    [Fact]
    public async Task TheDumpHasTheShellsShape()
    {
        using var source = CreateSource();
        var dump = await DumpAsync(source);
        Assert.StartsWith("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n", dump, StringComparison.Ordinal);
        Assert.EndsWith("COMMIT;\n", dump, StringComparison.Ordinal);
        Assert.Contains("DELETE FROM sqlite_sequence;\nINSERT INTO \"sqlite_sequence\" VALUES('odd \"name\" table',8);", dump, StringComparison.Ordinal);
        Assert.Contains("X'00FF10'", dump, StringComparison.Ordinal);
        Assert.Contains("'it''s \"quoted\"'", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("user_version", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("CREATE TABLE sqlite_sequence", dump, StringComparison.Ordinal);
        Assert.True(
            dump.IndexOf("INSERT INTO \"parent\"", StringComparison.Ordinal) < dump.IndexOf("CREATE TRIGGER", StringComparison.Ordinal),
            "Triggers must come after the rows, or restoring fires them again.");
    }

    [Fact]
    public async Task ADumpRestoredWithMicrosoftDataSqliteHasTheSameContents()
    {
        using var source = CreateSource();
        var dump = await DumpAsync(source);

        using var restored = new SqliteConnection($"Data Source={_dir.File("restored.db")};Pooling=False");
        restored.Open();
        using (var command = restored.CreateCommand())
        {
            command.CommandText = dump;
            command.ExecuteNonQuery();
        }

        AssertSameContents(source, restored);
    }

    [Fact]
    public async Task ADumpRestoredWithTheSqlite3ShellHasTheSameContents()
    {
        using var source = CreateSource();
        var dump = await DumpAsync(source);
        var restoredPath = _dir.File("restored-by-shell.db");

        var shell = FindOnPath(SqliteCli)
            ?? throw new Xunit.Sdk.XunitException($"This test needs the '{SqliteCli}' command-line shell on PATH (Debian: apt-get install sqlite3).");
        var start = new ProcessStartInfo(shell, ["-bail", restoredPath])
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using (var process = Process.Start(start)!)
        {
            await process.StandardInput.WriteAsync(dump);
            process.StandardInput.Close();
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"sqlite3 failed: {errors}");
        }

        using var restored = new SqliteConnection($"Data Source={restoredPath};Pooling=False;Mode=ReadOnly");
        restored.Open();
        AssertSameContents(source, restored);
    }

    [Fact]
    public async Task TheSchemaHasOnlyCreateStatements()
    {
        using var source = CreateSource();
        using var writer = new StringWriter();
        await SqlDumpWriter.WriteSchemaAsync(source, writer);
        var lines = writer.ToString().Split(";\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length);
        Assert.All(lines, line => Assert.StartsWith("CREATE ", line, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("sqlite_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnEmptyDatabaseDumpsToAnEmptyTransaction()
    {
        using var empty = _dir.Factory().Create(_dir.File("empty.db"), DatabaseKind.Standalone);
        Assert.Equal("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCOMMIT;\n", await DumpAsync(empty));
    }

    [Fact]
    public async Task AFullTextTableIsDumpedThroughItsOwnInsertsWithoutShadowTables()
    {
        using var source = _dir.Factory().Create(_dir.File("fts.db"), DatabaseKind.Standalone);
        using (var command = source.CreateCommand())
        {
            command.CommandText = "CREATE VIRTUAL TABLE notes USING fts5(title, body); INSERT INTO notes VALUES ('groceries', 'milk and eggs'), ('it''s', 'quoted');";
            command.ExecuteNonQuery();
        }

        var dump = await DumpAsync(source);
        Assert.DoesNotContain("notes_data", dump, StringComparison.Ordinal);

        using var restored = new SqliteConnection($"Data Source={_dir.File("fts-restored.db")};Pooling=False");
        restored.Open();
        using (var command = restored.CreateCommand())
        {
            command.CommandText = dump;
            command.ExecuteNonQuery();
        }

        Assert.Equal(["String:groceries | String:milk and eggs"], Read(restored, "SELECT title, body FROM notes WHERE notes MATCH 'eggs'"));
        Assert.Equal(Read(source, "SELECT * FROM notes ORDER BY rowid"), Read(restored, "SELECT * FROM notes ORDER BY rowid"));
    }

    [Fact]
    public async Task AChildCanBeDumpedDespiteItsGuards()
    {
        var factory = _dir.Factory(time: new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromSeconds(1) });
        CreateSource().Dispose();
        using var child = factory.Open(_dir.File("source.db"), DatabaseKind.Child, "schema");
        Assert.Contains("INSERT INTO \"parent\" VALUES(1,'first');", await DumpAsync(child), StringComparison.Ordinal);
    }

    private static void AssertSameContents(SqliteConnection expected, SqliteConnection actual)
    {
        Assert.Equal(Read(expected, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name"), Read(actual, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name"));
        foreach (var table in new[] { "\"odd \"\"name\"\" table\"", "parent", "child", "audit", "empty", "sqlite_sequence", "parents_with_children" })
        {
            var query = $"SELECT *, {(table.StartsWith("parents", StringComparison.Ordinal) ? "''" : "quote(typeof(1))")} FROM {table} ORDER BY 1";
            Assert.Equal(Read(expected, query), Read(actual, query));
        }

        var typed = "SELECT id, typeof(i), typeof(r), typeof(t), typeof(b), typeof(n), quote(r), hex(t), hex(b), quote(n) FROM \"odd \"\"name\"\" table\" ORDER BY id";
        Assert.Equal(Read(expected, typed), Read(actual, typed));
        Assert.Equal(Read(expected, "PRAGMA foreign_key_check"), Read(actual, "PRAGMA foreign_key_check"));
    }

    private static List<string> Read(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            rows.Add(string.Join(" | ", values.Select(v => v is byte[] bytes ? "x" + Convert.ToHexString(bytes) : $"{v.GetType().Name}:{v}")));
        }

        return rows;
    }

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists);
}

using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Tenancy.Databases;

namespace Benchmarks;

/// <summary>
/// What the disk and SQLite themselves cost, measured single-threaded in the same run and on the same file system as
/// the service's <c>DATA_DIR</c>, so that a storage benchmark can print its figures as ratios to it:
/// copying a small SQLite file and flushing it and its folder (a create's physical floor), open + <c>ALTER TABLE</c> +
/// commit with <c>synchronous = FULL</c> (a migration's), and open + reading the schema (a cold tenant's).
/// </summary>
internal sealed record PhysicalReference(double[] CopyMs, double[] AlterMs, double[] OpenMs, double AlterCpuMs)
{
    public double CopyP50 => Percentiles.Of(CopyMs, 50);

    public double CopyP99 => Percentiles.Of(CopyMs, 99);

    /// <summary>Files per second one thread copies and flushes, from the median.</summary>
    public double CopiesPerSecond => 1000 / CopyP50;

    public double AlterP50 => Percentiles.Of(AlterMs, 50);

    /// <summary>Databases per second one thread reaches with open + ALTER + commit, from the median.</summary>
    public double AltersPerSecond => 1000 / AlterP50;

    public double OpenP50 => Percentiles.Of(OpenMs, 50);

    /// <summary>Measures <paramref name="count"/> of each operation in a fresh folder under <paramref name="dataDirectory"/>, then removes it.</summary>
    public static PhysicalReference Measure(string dataDirectory, int count = 300)
    {
        var folder = Directory.CreateDirectory(Path.Combine(dataDirectory, "physical-reference")).FullName;
        try
        {
            var template = Path.Combine(folder, "template.db");
            CreateTemplate(template);
            var copies = Enumerable.Range(0, count).Select(i => Path.Combine(folder, $"copy-{i}.db")).ToArray();
            var copy = Time(copies, path => CopyDurably(template, path));
            // The benchmark process does nothing else meanwhile: its CPU time is the reference's own.
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var alter = Time(copies, AlterAndCommit);
            var alterCpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / copies.Length;
            var open = Time(copies, OpenAndReadSchema);
            return new PhysicalReference(copy, alter, open, alterCpuMs);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public void Print()
    {
        Console.WriteLine($"Physical reference (1 thread, same file system): copy + fsync file and folder {Percentiles.Summary(CopyMs)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  open + ALTER TABLE + commit (synchronous=FULL) {Percentiles.Summary(AlterMs)}, {AltersPerSecond:0} databases/s, CPU {AlterCpuMs:0.00} ms each"));
        Console.WriteLine($"  open + read schema {Percentiles.Summary(OpenMs)}");
    }

    /// <summary>"x.xx× the reference" for a measured value against a reference value.</summary>
    public static string Ratio(double measured, double reference) =>
        string.Create(CultureInfo.InvariantCulture, $"{measured / reference:0.00}×");

    private static double[] Time(string[] paths, Action<string> operation)
    {
        var times = new double[paths.Length];
        for (var i = 0; i < paths.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            operation(paths[i]);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        return times;
    }

    private static void CreateTemplate(string path)
    {
        using var connection = Open(path);
        Execute(connection, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE todos (id INTEGER PRIMARY KEY, description TEXT NOT NULL, completed INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
            CREATE INDEX todos_created_at ON todos (created_at);
            PRAGMA wal_checkpoint(TRUNCATE);
            """);
    }

    private static void CopyDurably(string template, string path)
    {
        File.Copy(template, path);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Flush(flushToDisk: true);
        }

        DiskFlush.Folder(Path.GetDirectoryName(path)!);
    }

    private static void AlterAndCommit(string path)
    {
        using var connection = Open(path);
        Execute(connection, "PRAGMA synchronous = FULL; BEGIN IMMEDIATE; ALTER TABLE todos ADD COLUMN due_at TEXT; COMMIT;");
    }

    private static void OpenAndReadSchema(string path)
    {
        using var connection = Open(path);
        Execute(connection, "SELECT count(*) FROM sqlite_schema;");
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Tenancy.Databases;
using TenantService.Backups;
using TenantService.Catalog;

namespace Benchmarks;

/// <summary>
/// <c>backup-pass [--databases N] [--changed C] [--rounds R]</c>: tenantservice's own snapshot pass (BackupPass with its
/// catalog, journal and snapshot store, in this process) over N small databases whose marks say they were snapshotted,
/// C of which were written since. Each round changes C other databases, runs a pass (C snapshots, the rest skipped),
/// then a pass with nothing changed, which times the skipping alone. Reports µs per skipped database, snapshots per
/// second, bytes written, against two stat calls and one thread's copy + fsync of a small file.
/// </summary>
internal static class BackupPassBenchmark
{
    private const double TargetSkipMicroseconds = 20;
    private const double TargetSnapshotsPerSecond = 300;

    public static async Task<int> RunAsync(int databases, int changed, int rounds)
    {
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        var directory = Directory.CreateTempSubdirectory("backup-pass-bench-").FullName;
        try
        {
            Console.WriteLine($"load average before: {BenchmarkCommand.LoadAverage()}");
            var physical = PhysicalReference.Measure(directory);
            physical.Print();
            var layout = new DatabaseLayout(directory);
            var factory = new TenantDatabaseFactory(layout, new TenantDatabaseOptions(), TimeProvider.System);
            using var catalog = new DatabaseCatalog(factory.Create(layout.PlatformDatabasePath, DatabaseKind.Platform));
            using var journal = new BackupJournal(factory, catalog);
            var store = new SnapshotStore(factory);
            var options = new BackupOptions();
            var pass = new BackupPass(catalog, journal, new SnapshotTaker(factory, store), store, factory, options, TimeProvider.System, NullLogger<BackupPass>.Instance);

            var clock = Stopwatch.StartNew();
            var names = Populate(layout, catalog, journal, databases);
            Console.WriteLine(FormattableString.Invariant($"{databases} databases of {new FileInfo(layout.DatabasePath(names[0])).Length / 1024} KiB, their records and marks, made in {clock.Elapsed.TotalSeconds:0.0} s"));
            var statMicroseconds = TimeStats(layout, names);
            Console.WriteLine(FormattableString.Invariant($"Physical reference: two stat calls (database and -wal) {statMicroseconds:0.00} µs per database"));

            var skip = new List<double>();
            var rates = new List<double>();
            var totals = new List<double>();
            var random = new Random(17);
            for (var round = 1; round <= rounds; round++)
            {
                var written = names.OrderBy(_ => random.Next()).Take(changed).ToList();
                foreach (var name in written)
                {
                    Write(layout.DatabasePath(name));
                }

                // A write within FileMark.Uncertainty of its snapshot's mark is snapshotted again by the next pass; the rounds measure the steady state.
                await Task.Delay(FileMark.Uncertainty + TimeSpan.FromMilliseconds(200));
                var writtenBefore = ProcessWrites();
                var withChanges = await pass.RunAsync(CancellationToken.None);
                var writtenBytes = ProcessWrites() - writtenBefore;
                var snapshotBytes = written.Sum(name => store.List(name)[0].Size);
                var unchangedPass = await pass.RunAsync(CancellationToken.None);
                if (withChanges.Taken != changed || withChanges.Failed != 0 || unchangedPass.Unchanged != databases)
                {
                    Console.WriteLine($"UNEXPECTED: {withChanges} then {unchangedPass}");
                    return 1;
                }

                var perSkip = unchangedPass.Elapsed.TotalMicroseconds / databases;
                var snapshotTime = withChanges.Elapsed - (unchangedPass.Elapsed * (databases - changed) / databases);
                var rate = changed / snapshotTime.TotalSeconds;
                skip.Add(perSkip);
                rates.Add(rate);
                totals.Add(withChanges.Elapsed.TotalSeconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}: pass with {changed} changed: {withChanges.Elapsed.TotalSeconds:0.000} s, {snapshotBytes / 1048576.0:0.0} MiB of snapshots, {writtenBytes / 1048576.0:0.0} MiB written by the process; "
                    + $"pass with none changed: {unchangedPass.Elapsed.TotalMilliseconds:0} ms = {perSkip:0.00} µs per skipped database; {rate:0} snapshots/s"));
            }

            var medianSkip = Median(skip);
            var medianRate = Median(rates);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median of {rounds} rounds ({databases} databases, {changed} changed, parallelism {options.Parallelism}): pass {Median(totals):0.000} s, {medianSkip:0.00} µs per skipped database "
                + $"({PhysicalReference.Ratio(medianSkip, statMicroseconds)} two stat calls), {medianRate:0} snapshots/s ({PhysicalReference.Ratio(medianRate, physical.CopiesPerSecond)} one thread's copy + fsync file and folder)"));
            Console.WriteLine($"load average after: {BenchmarkCommand.LoadAverage()}");
            var met = medianSkip <= TargetSkipMicroseconds && medianRate >= TargetSnapshotsPerSecond;
            var target = FormattableString.Invariant($"<= {TargetSkipMicroseconds} µs per skipped database, >= {TargetSnapshotsPerSecond} snapshots/s");
            Console.WriteLine(met ? $"target met: {target}" : $"TARGET MISSED: {target}");
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    // One small todos database copied N times, recorded, and marked as snapshotted an hour after its last write.
    private static List<DatabaseName> Populate(DatabaseLayout layout, DatabaseCatalog catalog, BackupJournal journal, int count)
    {
        var template = Path.Combine(layout.DataDirectory, "template.db");
        using (var connection = new SqliteConnection($"Data Source={template};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE todos (id INTEGER PRIMARY KEY, description TEXT NOT NULL, completed INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
                CREATE INDEX todos_newest_first ON todos (created_at DESC, id DESC);
                INSERT INTO todos (description) VALUES ('buy milk'), ('call the bank'), ('water the plants');
                PRAGMA wal_checkpoint(TRUNCATE);
                """;
            command.ExecuteNonQuery();
        }

        var longAgo = DateTime.UtcNow.AddHours(-2);
        var now = DateTimeOffset.UtcNow;
        var names = new List<DatabaseName>(count);
        for (var i = 0; i < count; i++)
        {
            // Named as a user's database is, so the files spread over the 256 shard folders as they do in use.
            var name = TenantId.FromClerkId(string.Create(CultureInfo.InvariantCulture, $"user_{i}"));
            var path = layout.DatabasePath(name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Copy(template, path);
            File.SetLastWriteTimeUtc(path, longAgo);
            catalog.TryInsert(new DatabaseEntry(name, Guid.NewGuid(), DatabaseKind.Standalone, null, DatabaseEntry.DefaultGroup, 0, now));
            journal.SetMark(name, FileMark.Read(path), now);
            names.Add(name);
        }

        return names;
    }

    private static void Write(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO todos (description) VALUES ('a change since the last snapshot')";
        command.ExecuteNonQuery();
    }

    // What the pass's skip costs at least: the two stat calls of FileMark.Read, for every database.
    private static double TimeStats(DatabaseLayout layout, List<DatabaseName> names)
    {
        var paths = names.Select(layout.DatabasePath).ToArray();
        var started = Stopwatch.GetTimestamp();
        long sink = 0;
        foreach (var path in paths)
        {
            sink += new FileInfo(path).Length + (new FileInfo(path + "-wal").Exists ? 1 : 0);
        }

        GC.KeepAlive(sink);
        return Stopwatch.GetElapsedTime(started).TotalMicroseconds / paths.Length;
    }

    // Bytes this process handed to write(2) so far (wchar in /proc/self/io).
    private static long ProcessWrites() =>
        File.ReadLines("/proc/self/io").Where(line => line.StartsWith("wchar:", StringComparison.Ordinal))
            .Select(line => long.Parse(line["wchar:".Length..].Trim(), CultureInfo.InvariantCulture)).FirstOrDefault();

    private static double Median(List<double> values) => Percentiles.Of([.. values], 50);
}

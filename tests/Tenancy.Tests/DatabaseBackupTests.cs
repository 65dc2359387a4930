using Microsoft.Data.Sqlite;
using Tenancy.Databases;

namespace Tenancy.Tests;

public sealed class DatabaseBackupTests : IDisposable
{
    private const long Accounts = 20;
    private const long StartingBalance = 1000;

    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task ACopyIsConsistentWhileAWriterIsActive()
    {
        var factory = _dir.Factory();
        var name = DatabaseName.Parse("bank");
        using (var setup = factory.Create(name, DatabaseKind.Schema))
        using (var command = setup.CreateCommand())
        {
            command.CommandText = $"""
                CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Accounts})
                INSERT INTO accounts SELECT i, {StartingBalance} FROM n;
                CREATE TABLE log(id INTEGER PRIMARY KEY, note TEXT);
                """;
            command.ExecuteNonQuery();
        }

        using var stop = new CancellationTokenSource();
        // Each transfer moves money between accounts in one transaction: any consistent copy has the same total.
        var writer = Task.Run(() =>
        {
            using var connection = factory.Open(name, DatabaseKind.Schema);
            var random = new Random(42);
            var transfers = 0;
            while (!stop.IsCancellationRequested || transfers < 50)
            {
                using var transaction = connection.BeginTransaction();
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    UPDATE accounts SET balance = balance - 7 WHERE id = $from;
                    INSERT INTO log(note) VALUES (hex(randomblob(64)));
                    UPDATE accounts SET balance = balance + 7 WHERE id = $to;
                    """;
                command.Parameters.AddWithValue("$from", random.NextInt64(1, Accounts + 1));
                command.Parameters.AddWithValue("$to", random.NextInt64(1, Accounts + 1));
                command.ExecuteNonQuery();
                transaction.Commit();
                transfers++;
            }

            return transfers;
        });

        using (var source = factory.Open(name, DatabaseKind.Schema, readOnly: true))
        {
            for (var i = 0; i < 20; i++)
            {
                DatabaseBackup.Copy(source, _dir.File($"copies/copy{i}.db"));
            }
        }

        stop.Cancel();
        Assert.True(await writer >= 50);

        for (var i = 0; i < 20; i++)
        {
            using var copy = factory.Open(_dir.File($"copies/copy{i}.db"), DatabaseKind.Standalone, readOnly: true);
            Assert.Equal(Accounts * StartingBalance, Scalar(copy, "SELECT sum(balance) FROM accounts"));
            using var check = copy.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", check.ExecuteScalar());
        }
    }

    [Fact]
    public void ACopyKeepsTheSchemaVersionAndLeavesNoTemporaryFiles()
    {
        var factory = _dir.Factory();
        using var source = factory.Create(_dir.File("schema.db"), DatabaseKind.Schema);
        using (var command = source.CreateCommand())
        {
            command.CommandText = "CREATE TABLE todos(id INTEGER PRIMARY KEY, description TEXT)";
            command.ExecuteNonQuery();
        }

        DatabaseVersion.Write(source, 3);
        var destination = _dir.Layout.DatabasePath(DatabaseName.Parse("child-one"));
        DatabaseBackup.Copy(source, destination);

        Assert.Equal([Path.GetFileName(destination)], Directory.GetFiles(Path.GetDirectoryName(destination)!).Select(Path.GetFileName));
        using var child = factory.Open(DatabaseName.Parse("child-one"), DatabaseKind.Child, "schema");
        Assert.Equal(3L, DatabaseVersion.Read(child));
        Assert.Equal(0L, Scalar(child, "SELECT count(*) FROM todos"));
    }

    [Fact]
    public void ACopyReplacesAnExistingFileOnlyWhenAskedTo()
    {
        var factory = _dir.Factory();
        var destination = _dir.File("backup.db");
        File.WriteAllText(destination, "not a database");
        using var source = factory.Create(_dir.File("source.db"), DatabaseKind.Standalone);
        using (var command = source.CreateCommand())
        {
            command.CommandText = "CREATE TABLE t(x); INSERT INTO t VALUES (1)";
            command.ExecuteNonQuery();
        }

        Assert.Throws<IOException>(() => DatabaseBackup.Copy(source, destination));
        Assert.Equal("not a database", File.ReadAllText(destination));

        DatabaseBackup.Copy(source, destination, overwrite: true);
        using var copy = factory.Open(destination, DatabaseKind.Standalone, readOnly: true);
        Assert.Equal(1L, Scalar(copy, "SELECT x FROM t"));
    }

    [Fact]
    public void ACopyIgnoresAWalLeftBehindByADeletedDatabase()
    {
        var factory = _dir.Factory();
        var destination = _dir.File("reused.db");
        File.WriteAllText(destination + "-wal", "stale");
        using var source = factory.Create(_dir.File("source.db"), DatabaseKind.Standalone);
        DatabaseBackup.Copy(source, destination);
        Assert.False(File.Exists(destination + "-wal"));
    }
}

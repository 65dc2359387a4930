using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Databases;

namespace Tenancy.Tests;

public sealed class TenantDatabaseFactoryTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static DatabaseRefusal Refused(SqliteConnection connection, string sql)
    {
        var exception = Assert.Throws<SqliteException>(() => Execute(connection, sql));
        var refusal = TenantDatabaseFactory.Explain(exception, connection);
        Assert.NotNull(refusal);
        return refusal;
    }

    private SqliteConnection CreateChild(TenantDatabaseFactory factory, string name = "child")
    {
        using (var schema = factory.Create(_dir.Layout.DatabasePath(DatabaseName.Parse(name)), DatabaseKind.Schema))
        {
            Execute(schema, "CREATE TABLE todos(id INTEGER PRIMARY KEY, description TEXT NOT NULL)");
        }

        return factory.Open(DatabaseName.Parse(name), DatabaseKind.Child, "todos-schema");
    }

    [Fact]
    public void OpeningAMissingDatabaseDoesNotCreateIt()
    {
        var factory = _dir.Factory();
        var name = DatabaseName.Parse("missing");
        Assert.Throws<FileNotFoundException>(() => factory.Open(name, DatabaseKind.Standalone));
        Assert.False(File.Exists(_dir.Layout.DatabasePath(name)));
    }

    [Fact]
    public void CreatingAnExistingDatabaseFails()
    {
        var factory = _dir.Factory();
        var name = DatabaseName.Parse("twice");
        factory.Create(name, DatabaseKind.Standalone).Dispose();
        Assert.Throws<IOException>(() => factory.Create(name, DatabaseKind.Standalone));
    }

    [Fact]
    public void ConnectionsUseWalForeignKeysAndTheSizeCap()
    {
        using var connection = _dir.Factory(new TenantDatabaseOptions { MaxDatabaseSizeBytes = 1L << 20 })
            .Create(DatabaseName.Parse("settings"), DatabaseKind.Standalone);
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal(1L, Scalar(connection, "PRAGMA foreign_keys"));
        Assert.Equal(5000L, Scalar(connection, "PRAGMA busy_timeout"));
        Assert.Equal(256L, Scalar(connection, "PRAGMA max_page_count"));
    }

    [Fact]
    public void AttachIsRefused()
    {
        using var connection = _dir.Factory().Create(DatabaseName.Parse("attach"), DatabaseKind.Standalone);
        var refusal = Refused(connection, $"ATTACH '{_dir.File("other.db")}' AS other");
        Assert.Equal(DatabaseRefusalReason.Attach, refusal.Reason);
        Assert.False(File.Exists(_dir.File("other.db")));
    }

    [Fact]
    public void VacuumIntoAnotherFileIsRefused()
    {
        using var connection = _dir.Factory().Create(DatabaseName.Parse("vacuum"), DatabaseKind.Standalone);
        Assert.Throws<SqliteException>(() => Execute(connection, $"VACUUM INTO '{_dir.File("copy.db")}'"));
        Assert.False(File.Exists(_dir.File("copy.db")));
    }

    [Fact]
    public void LoadExtensionIsRefused()
    {
        using var connection = _dir.Factory().Create(DatabaseName.Parse("ext"), DatabaseKind.Standalone);
        var refusal = Refused(connection, "SELECT load_extension('/tmp/evil.so')");
        Assert.Equal(DatabaseRefusalReason.LoadExtension, refusal.Reason);
    }

    [Theory]
    [InlineData("CREATE TABLE extra(x)")]
    [InlineData("DROP TABLE todos")]
    [InlineData("ALTER TABLE todos ADD COLUMN done INTEGER")]
    [InlineData("CREATE INDEX todos_description ON todos(description)")]
    [InlineData("CREATE VIEW v AS SELECT * FROM todos")]
    [InlineData("CREATE TRIGGER t AFTER INSERT ON todos BEGIN SELECT 1; END")]
    public void SchemaChangesOnAChildAreRefusedNamingTheSchemaDatabase(string ddl)
    {
        using var child = CreateChild(_dir.Factory());
        var refusal = Refused(child, ddl);
        Assert.Equal(DatabaseRefusalReason.SchemaChangeOnChild, refusal.Reason);
        Assert.Contains("schema database 'todos-schema'", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DataChangesOnAChildAreAllowed()
    {
        using var child = CreateChild(_dir.Factory());
        Execute(child, "INSERT INTO todos(description) VALUES ('write tests')");
        Assert.Equal(1L, Scalar(child, "SELECT count(*) FROM todos"));
    }

    [Fact]
    public void AnalyzeAndTempTablesAreAllowedOnAChild()
    {
        using var child = CreateChild(_dir.Factory());
        Execute(child, "INSERT INTO todos(description) VALUES ('a'), ('b'); ANALYZE; PRAGMA optimize; CREATE TEMP TABLE scratch(x)");
        Assert.Equal(1L, Scalar(child, "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'"));
    }

    [Fact]
    public void SchemaChangesAreAllowedOnSchemaAndStandaloneDatabases()
    {
        var factory = _dir.Factory();
        using var schema = factory.Create(DatabaseName.Parse("schema"), DatabaseKind.Schema);
        Execute(schema, "CREATE TABLE a(x); CREATE INDEX a_x ON a(x); DROP INDEX a_x; ALTER TABLE a ADD COLUMN y");
        using var standalone = factory.Create(DatabaseName.Parse("standalone"), DatabaseKind.Standalone);
        Execute(standalone, "CREATE TABLE a(x); DROP TABLE a");
    }

    [Fact]
    public void AllowSchemaChangesOpensTheDoorOnAChildUntilDisposed()
    {
        var factory = _dir.Factory();
        using var child = CreateChild(factory);
        using (factory.AllowSchemaChanges(child))
        {
            Execute(child, "ALTER TABLE todos ADD COLUMN completed INTEGER NOT NULL DEFAULT 0");
        }

        Assert.Equal(DatabaseRefusalReason.SchemaChangeOnChild, Refused(child, "CREATE TABLE later(x)").Reason);
    }

    [Theory]
    [InlineData("PRAGMA writable_schema = ON")]
    [InlineData("PRAGMA journal_mode = DELETE")]
    [InlineData("PRAGMA max_page_count = 100000000")]
    [InlineData("PRAGMA user_version = 42")]
    [InlineData("PRAGMA schema_version = 1")]
    [InlineData("PRAGMA trusted_schema = ON")]
    public void PragmasThatChangeSafetyAreRefused(string pragma)
    {
        using var connection = _dir.Factory().Create(DatabaseName.Parse("pragmas"), DatabaseKind.Standalone);
        Assert.Equal(DatabaseRefusalReason.Pragma, Refused(connection, pragma).Reason);
    }

    [Theory]
    [InlineData("PRAGMA journal_mode")]
    [InlineData("PRAGMA user_version")]
    [InlineData("PRAGMA table_info('t')")]
    [InlineData("PRAGMA foreign_keys = OFF")]
    [InlineData("PRAGMA integrity_check")]
    [InlineData("SELECT * FROM pragma_table_list")]
    public void ReadingPragmasAndHarmlessSettingsAreAllowed(string pragma)
    {
        using var connection = _dir.Factory().Create(DatabaseName.Parse("pragmas"), DatabaseKind.Standalone);
        Execute(connection, "CREATE TABLE t(x)");
        Execute(connection, pragma);
    }

    [Fact]
    public void ThePlatformDatabaseHasNoGuards()
    {
        using var platform = _dir.Factory().Create(_dir.Layout.PlatformDatabasePath, DatabaseKind.Platform);
        Execute(platform, "PRAGMA user_version = 3; CREATE TABLE t(x)");
        Assert.Equal(3L, Scalar(platform, "PRAGMA user_version"));
    }

    [Fact]
    public void TheSchemaVersionIsWrittenOnlyThroughDatabaseVersion()
    {
        using var child = CreateChild(_dir.Factory());
        Assert.Equal(0L, DatabaseVersion.Read(child));
        using (var transaction = child.BeginTransaction())
        {
            DatabaseVersion.Write(child, 7, transaction);
            transaction.Commit();
        }

        Assert.Equal(7L, DatabaseVersion.Read(child));
        Assert.Equal(DatabaseRefusalReason.Pragma, Refused(child, "PRAGMA user_version = 8").Reason);
    }

    [Fact]
    public void ARolledBackMigrationLeavesTheVersionUnchanged()
    {
        var factory = _dir.Factory();
        using var child = CreateChild(factory);
        using (factory.AllowSchemaChanges(child))
        using (var transaction = child.BeginTransaction())
        {
            using var command = child.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "ALTER TABLE todos ADD COLUMN done INTEGER";
            command.ExecuteNonQuery();
            DatabaseVersion.Write(child, 2, transaction);
            transaction.Rollback();
        }

        Assert.Equal(0L, DatabaseVersion.Read(child));
    }

    [Fact]
    public void ALongQueryIsInterruptedWithTheLimitInTheMessage()
    {
        // Every clock read moves time on by a second, so the default 2 s limit trips within a few checks.
        var time = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromSeconds(1) };
        using var connection = _dir.Factory(time: time).Create(DatabaseName.Parse("slow"), DatabaseKind.Standalone);
        var refusal = Refused(connection, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c");
        Assert.Equal(DatabaseRefusalReason.StatementTimeout, refusal.Reason);
        Assert.Contains("statement exceeded the 2 s limit", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALongQueryIsInterruptedOnTheRealClockToo()
    {
        var options = new TenantDatabaseOptions { StatementTimeout = TimeSpan.FromMilliseconds(200) };
        using var connection = _dir.Factory(options).Create(DatabaseName.Parse("slow"), DatabaseKind.Standalone);
        var refusal = Refused(connection, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c");
        Assert.Contains("exceeded the 0.2 s limit", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(1L, Scalar(connection, "SELECT 1"));
    }

    [Fact]
    public void TriggersDoNotRestartTheClock()
    {
        var time = new FakeTimeProvider();
        using var connection = _dir.Factory(time: time).Create(DatabaseName.Parse("triggers"), DatabaseKind.Standalone);
        Execute(connection, """
            PRAGMA recursive_triggers = ON;
            CREATE TABLE t(x);
            CREATE TRIGGER t_next AFTER INSERT ON t WHEN new.x < 900 BEGIN INSERT INTO t VALUES (new.x + 1); END;
            """);
        // SQLite reports each trigger run like a statement start; a clock restarted there would never reach the limit.
        time.AutoAdvanceAmount = TimeSpan.FromSeconds(1);
        var refusal = Refused(connection, "INSERT INTO t VALUES (1)");
        Assert.Equal(DatabaseRefusalReason.StatementTimeout, refusal.Reason);
    }

    [Fact]
    public void TheClockStartsAgainForEveryStatement()
    {
        var time = new FakeTimeProvider();
        using var connection = _dir.Factory(time: time).Create(DatabaseName.Parse("clock"), DatabaseKind.Standalone);
        Execute(connection, "CREATE TABLE t(x)");
        // Idle time between statements is no statement's run time.
        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            Execute(connection, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) INSERT INTO t SELECT x FROM c");
        }

        Assert.Equal(6000L, Scalar(connection, "SELECT count(*) FROM t"));
    }

    [Fact]
    public void AllowLongStatementsLiftsTheLimit()
    {
        var time = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromSeconds(1) };
        var factory = _dir.Factory(time: time);
        using var connection = factory.Create(DatabaseName.Parse("long"), DatabaseKind.Standalone);
        using (factory.AllowLongStatements(connection))
        {
            Assert.Equal(100_000L, Scalar(connection, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT count(*) FROM c"));
        }
    }

    [Fact]
    public void WritesBeyondTheSizeCapFailWithSqliteFullWhileReadsGoOn()
    {
        var options = new TenantDatabaseOptions { MaxDatabaseSizeBytes = 64 * 1024 };
        using var connection = _dir.Factory(options).Create(DatabaseName.Parse("full"), DatabaseKind.Standalone);
        Execute(connection, "CREATE TABLE blobs(data BLOB)");
        SqliteException? full = null;
        for (var i = 0; i < 100 && full is null; i++)
        {
            try
            {
                Execute(connection, "INSERT INTO blobs VALUES (randomblob(2000))");
            }
            catch (SqliteException exception)
            {
                full = exception;
            }
        }

        Assert.NotNull(full);
        Assert.Equal(13, full.SqliteErrorCode);
        var refusal = TenantDatabaseFactory.Explain(full, connection);
        Assert.Equal(DatabaseRefusalReason.SizeLimit, refusal?.Reason);
        Assert.Contains("64 KiB", refusal!.Message, StringComparison.Ordinal);
        Assert.Contains("Tenancy__MaxDatabaseSizeBytes", refusal.Message, StringComparison.Ordinal);
        Assert.True((long)Scalar(connection, "SELECT count(*) FROM blobs")! > 0);
    }

    [Fact]
    public void TempTablesHaveACapOfTheirOwnAndTheRefusalNamesIt()
    {
        var options = new TenantDatabaseOptions { MaxDatabaseSizeBytes = 4 << 20, MaxTempSizeBytes = 64 * 1024 };
        using var connection = _dir.Factory(options).Create(DatabaseName.Parse("temp"), DatabaseKind.Standalone);
        const string HundredRows = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) SELECT randomblob(2000) FROM n";
        Execute(connection, "CREATE TEMP TABLE scratch(data BLOB)");
        var exception = Assert.Throws<SqliteException>(() => Execute(connection, $"INSERT INTO scratch {HundredRows}"));

        Assert.Equal(13, exception.SqliteErrorCode);
        var refusal = TenantDatabaseFactory.Explain(exception, connection);
        Assert.Equal(DatabaseRefusalReason.TempSizeLimit, refusal?.Reason);
        Assert.Contains("64 KiB", refusal!.Message, StringComparison.Ordinal);
        Assert.Contains("Tenancy__MaxTempSizeBytes", refusal.Message, StringComparison.Ordinal);
        // The database itself still takes the same rows: its own cap is far off.
        Execute(connection, "CREATE TABLE kept(data BLOB)");
        Execute(connection, $"INSERT INTO kept {HundredRows}");
    }

    [Fact]
    public void AFullDatabaseIsExplainedAsSuchOnAConnectionThatAlsoUsesTempTables()
    {
        var options = new TenantDatabaseOptions { MaxDatabaseSizeBytes = 64 * 1024, MaxTempSizeBytes = 1 << 20 };
        using var connection = _dir.Factory(options).Create(DatabaseName.Parse("both"), DatabaseKind.Standalone);
        Execute(connection, "CREATE TEMP TABLE scratch(data BLOB); INSERT INTO scratch VALUES (randomblob(2000)); CREATE TABLE blobs(data BLOB)");
        var exception = Assert.Throws<SqliteException>(() =>
            Execute(connection, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) INSERT INTO blobs SELECT randomblob(2000) FROM n"));

        Assert.Equal(DatabaseRefusalReason.SizeLimit, TenantDatabaseFactory.Explain(exception, connection)?.Reason);
    }

    [Fact]
    public void OneStatementCannotBuildAValueBeyondTheLimit()
    {
        using var connection = _dir.Factory(new TenantDatabaseOptions { MaxValueBytes = 1 << 20 }).Create(DatabaseName.Parse("big"), DatabaseKind.Standalone);
        var exception = Assert.Throws<SqliteException>(() => Execute(connection, "SELECT randomblob(2000000)"));
        Assert.Equal(18, exception.SqliteErrorCode);
        Assert.Equal(1000000L, Scalar(connection, "SELECT length(randomblob(1000000))"));
    }

    [Fact]
    public void ReopeningAConnectionKeepsItsGuards()
    {
        using var child = CreateChild(_dir.Factory());
        child.Close();
        child.Open();
        Assert.Equal(DatabaseRefusalReason.SchemaChangeOnChild, Refused(child, "DROP TABLE todos").Reason);
        Assert.Equal(1L, Scalar(child, "PRAGMA foreign_keys"));
    }

    [Fact]
    public void ReadOnlyConnectionsRefuseWrites()
    {
        var factory = _dir.Factory();
        var name = DatabaseName.Parse("readonly");
        factory.Create(name, DatabaseKind.Standalone).Dispose();
        using var connection = factory.Open(name, DatabaseKind.Standalone, readOnly: true);
        var exception = Assert.Throws<SqliteException>(() => Execute(connection, "CREATE TABLE t(x)"));
        Assert.Equal(8, exception.SqliteErrorCode);
    }

    [Fact]
    public void ExplainIgnoresOrdinaryErrors()
    {
        using var connection = _dir.Factory().Create(DatabaseName.Parse("errors"), DatabaseKind.Standalone);
        var exception = Assert.Throws<SqliteException>(() => Execute(connection, "SELECT * FROM nowhere"));
        Assert.Null(TenantDatabaseFactory.Explain(exception, connection));
    }
}

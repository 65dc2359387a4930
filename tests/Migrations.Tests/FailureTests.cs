using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Databases;
using TenantService.Migrations;
using Testing;

namespace Migrations.Tests;

[Collection(MigrationsCollection.Name)]
public sealed class FailureTests(RedisFixture redis) : MigrationFixture(redis)
{
    [Fact]
    public async Task ADryRunFailureChangesNothingAndNamesTheDatabase()
    {
        await CreateSchemaWithChildrenAsync("shop-schema", "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);", "shop-a", "shop-b");
        // shop-b drifted: it already has the column the migration adds.
        Execute("shop-b", "ALTER TABLE items ADD COLUMN price INTEGER", "shop-schema", allowSchemaChanges: true);
        var before = new[] { "shop-schema", "shop-a", "shop-b" }.ToDictionary(name => name, name => TestData.SchemaText(DataDirectory, name));

        var id = await Api.SubmitAsync("shop-schema", "ALTER TABLE items ADD COLUMN price INTEGER; CREATE INDEX items_by_price ON items (price);");
        var job = await Api.WaitForJobAsync("shop-schema", id);

        Assert.Equal("DryRunFailure", (string)job["status"]!);
        var error = (string)job["error"]!;
        Assert.Contains("'shop-b'", error);
        Assert.Contains("duplicate column name: price", error);
        Assert.DoesNotContain("'shop-a'", error);
        var progress = PlatformClient.Progress(job).ToDictionary(task => task.Namespace);
        Assert.Equal("DryRunFailure", progress["shop-b"].Status);
        Assert.Contains("duplicate column name", progress["shop-b"].Error);
        Assert.Equal("DryRunSuccess", progress["shop-a"].Status);
        Assert.Equal("DryRunSuccess", progress["shop-schema"].Status);
        foreach (var (name, schema) in before)
        {
            Assert.Equal(schema, TestData.SchemaText(DataDirectory, name));
            Assert.Equal(1, TestData.UserVersion(DataDirectory, name));
        }

        Assert.Equal(1, (int)(await Api.JobsAsync("shop-schema"))["schema_version"]!);
    }

    [Fact]
    public async Task ADryRunOnlyReportsPerDatabaseAndChangesNothing()
    {
        await CreateSchemaWithChildrenAsync("notes-schema", "CREATE TABLE notes (id INTEGER PRIMARY KEY);", "notes-a", "notes-b");

        var id = await Api.SubmitAsync("notes-schema", "ALTER TABLE notes ADD COLUMN body TEXT;", dryRun: true);
        var job = await Api.WaitForJobAsync("notes-schema", id);

        Assert.Equal("DryRunSuccess", (string)job["status"]!);
        Assert.All(PlatformClient.Progress(job), task => Assert.Equal("DryRunSuccess", task.Status));
        Assert.Equal(3, PlatformClient.Progress(job).Count());
        foreach (var name in new[] { "notes-schema", "notes-a", "notes-b" })
        {
            Assert.False(TestData.HasColumn(DataDirectory, name, "notes", "body"), name);
            Assert.Equal(1, TestData.UserVersion(DataDirectory, name));
        }

        // The next real job takes the next version: a dry run used none.
        var run = await Api.MigrateAndWaitAsync("notes-schema", "ALTER TABLE notes ADD COLUMN body TEXT;");
        Assert.Equal("RunSuccess", (string)run["status"]!);
        Assert.Equal(2, TestData.UserVersion(DataDirectory, "notes-b"));
    }

    [Fact]
    public async Task ARunFailureLeavesTheSchemaBehindAndRetryAfterTheFixCompletesIt()
    {
        // Deferred foreign keys are checked at COMMIT, which a dry run (rolled back) never reaches: a failure only the run can see.
        await CreateSchemaWithChildrenAsync(
            "ledger-schema",
            """
            CREATE TABLE accounts (id INTEGER PRIMARY KEY);
            CREATE TABLE entries (id INTEGER PRIMARY KEY, account_id INTEGER REFERENCES accounts (id) DEFERRABLE INITIALLY DEFERRED);
            """,
            "ledger-a", "ledger-b", "ledger-c");
        Execute("ledger-schema", "INSERT INTO accounts VALUES (42)");
        Execute("ledger-a", "INSERT INTO accounts VALUES (42)", "ledger-schema");
        Execute("ledger-c", "INSERT INTO accounts VALUES (42)", "ledger-schema");
        const string migration = "ALTER TABLE entries ADD COLUMN memo TEXT; INSERT INTO entries (account_id, memo) VALUES (42, 'opening balance');";

        var id = await Api.SubmitAsync("ledger-schema", migration);
        var failed = await Api.WaitForJobAsync("ledger-schema", id);

        Assert.Equal("RunFailure", (string)failed["status"]!);
        Assert.Contains("'ledger-b'", (string)failed["error"]!);
        Assert.Contains("FOREIGN KEY constraint failed", (string)failed["error"]!);
        var progress = PlatformClient.Progress(failed).ToDictionary(task => task.Namespace);
        Assert.Equal("Failure", progress["ledger-b"].Status);
        Assert.Contains("FOREIGN KEY", progress["ledger-b"].Error);
        Assert.Equal("Success", progress["ledger-a"].Status);
        Assert.NotEqual("Success", progress["ledger-schema"].Status);
        // The failing child was tried three times (MigrationOptions.Attempts), the others once.
        var attempts = App.Services.GetRequiredService<MigrationJournal>().Tasks(id).ToDictionary(task => task.Database.Value, task => task.Attempts);
        Assert.Equal(3, attempts["ledger-b"]);
        Assert.Equal(1, attempts["ledger-a"]);
        Assert.Equal(1, TestData.UserVersion(DataDirectory, "ledger-schema"));
        Assert.Equal(1, (int)(await Api.JobsAsync("ledger-schema"))["schema_version"]!);
        // Nothing half-applied in the failed child.
        Assert.False(TestData.HasColumn(DataDirectory, "ledger-b", "entries", "memo"));
        Assert.Equal(1, TestData.UserVersion(DataDirectory, "ledger-b"));
        Assert.Equal(2, TestData.UserVersion(DataDirectory, "ledger-a"));

        // The schema is held until the failed job is retried.
        using (var refused = await Api.MigrateAsync("ledger-schema", new { sql = "CREATE TABLE other (x);" }))
        {
            Assert.Contains($"/jobs/{id}/retry", await PlatformClient.ErrorAsync(refused, HttpStatusCode.Conflict));
        }

        Execute("ledger-b", "INSERT INTO accounts VALUES (42)", "ledger-schema");
        using (var retry = await Api.RetryAsync("ledger-schema", id))
        {
            await PlatformClient.ReadAsync(retry, HttpStatusCode.OK);
        }

        var done = await Api.WaitForJobAsync("ledger-schema", id);
        Assert.Equal("RunSuccess", (string)done["status"]!);
        Assert.All(PlatformClient.Progress(done), task => Assert.Equal("Success", task.Status));
        foreach (var name in new[] { "ledger-schema", "ledger-a", "ledger-b", "ledger-c" })
        {
            Assert.Equal(2, TestData.UserVersion(DataDirectory, name));
            // Applied exactly once everywhere, retried or not.
            Assert.Equal(1, TestData.Scalar(DataDirectory, name, "SELECT count(*) FROM entries WHERE memo = 'opening balance'"));
        }

        using var again = await Api.RetryAsync("ledger-schema", id);
        Assert.Contains("RunFailure", await PlatformClient.ErrorAsync(again, HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task BadRequestsGetAClearError()
    {
        await CreateSchemaWithChildrenAsync("guard-schema", "CREATE TABLE t (x);", "guard-child");
        await Api.CreateOkAsync(new { name = "plain-db" });

        using (var unknown = await Api.MigrateAsync("no-such-schema", new { sql = "CREATE TABLE y (x);" }))
        {
            Assert.Contains("not found", await PlatformClient.ErrorAsync(unknown, HttpStatusCode.NotFound));
        }

        using (var child = await Api.MigrateAsync("guard-child", new { sql = "CREATE TABLE y (x);" }))
        {
            Assert.Contains("not a schema database", await PlatformClient.ErrorAsync(child, HttpStatusCode.BadRequest));
        }

        using (var plain = await Api.MigrateAsync("plain-db", new { sql = "CREATE TABLE y (x);" }))
        {
            Assert.Contains("standalone", await PlatformClient.ErrorAsync(plain, HttpStatusCode.BadRequest));
        }

        using (var empty = await Api.MigrateAsync("guard-schema", new { sql = "  " }))
        {
            Assert.Contains("'sql' is required", await PlatformClient.ErrorAsync(empty, HttpStatusCode.BadRequest));
        }

        using (var badLock = await Api.MigrateAsync("guard-schema", new { sql = "CREATE TABLE y (x);", @lock = "some" }))
        {
            Assert.Contains("'lock'", await PlatformClient.ErrorAsync(badLock, HttpStatusCode.BadRequest));
        }

        using (var badType = await Api.MigrateAsync("guard-schema", new { sql = "CREATE TABLE y (x);", dry_run = "yes" }))
        {
            Assert.Contains("'dry_run' has the wrong type", await PlatformClient.ErrorAsync(badType, HttpStatusCode.BadRequest));
        }

        using (var badName = await Api.MigrateAsync("Bad_Name", new { sql = "CREATE TABLE y (x);" }))
        {
            await PlatformClient.ErrorAsync(badName, HttpStatusCode.BadRequest);
        }

        using (var noJob = await Api.Http.GetAsync("/v1/organizations/local/databases/guard-schema/jobs/999"))
        {
            await PlatformClient.ErrorAsync(noJob, HttpStatusCode.NotFound);
        }

        using var noToken = await App.CreateClient().GetAsync("/v1/organizations/local/databases/guard-schema/jobs");
        await PlatformClient.ErrorAsync(noToken, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ABodyOverOneMebibyteIsRefused()
    {
        await Api.CreateSchemaAsync("big-schema");

        using var response = await Api.MigrateAsync("big-schema", new { sql = "SELECT '" + new string('x', 1024 * 1024) + "';" });

        Assert.Contains("1 MiB", await PlatformClient.ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge));
    }

    [Fact]
    public async Task ASchemaCreatedAgainUnderTheSameNameStartsWithoutTheOldJobs()
    {
        await Api.CreateSchemaAsync("again-schema");
        await Api.MigrateAndWaitAsync("again-schema", "CREATE TABLE t (x);");
        using (var deleted = await Api.Http.DeleteAsync("/v1/organizations/local/databases/again-schema"))
        {
            await PlatformClient.ReadAsync(deleted, HttpStatusCode.OK);
        }

        await Api.CreateSchemaAsync("again-schema");
        var jobs = await Api.JobsAsync("again-schema");

        Assert.Equal(0, (int)jobs["schema_version"]!);
        Assert.Empty(jobs["migrations"]!.AsArray());
        var job = await Api.MigrateAndWaitAsync("again-schema", "CREATE TABLE t (x);");
        Assert.Equal("RunSuccess", (string)job["status"]!);
        Assert.Equal(1, TestData.UserVersion(DataDirectory, "again-schema"));
    }

    [Fact]
    public async Task TransactionWrappedSqlIsAcceptedAndNestedTransactionControlIsRefused()
    {
        await CreateSchemaWithChildrenAsync("tx-schema", "CREATE TABLE t (x);", "tx-child");

        var job = await Api.MigrateAndWaitAsync("tx-schema", "-- +goose Up\nBEGIN IMMEDIATE TRANSACTION;\nCREATE TABLE audit (at TEXT DEFAULT 'a;b');\nCREATE INDEX audit_at ON audit (at);\nCOMMIT;\n");
        Assert.Equal("RunSuccess", (string)job["status"]!);
        Assert.True(TestData.HasTable(DataDirectory, "tx-child", "audit"));

        using var nested = await Api.MigrateAsync("tx-schema", new { sql = "BEGIN; CREATE TABLE u (x); SAVEPOINT s; CREATE TABLE v (x); RELEASE s; COMMIT;" });
        Assert.Contains("SAVEPOINT", await PlatformClient.ErrorAsync(nested, HttpStatusCode.BadRequest));
        using var inner = await Api.MigrateAsync("tx-schema", new { sql = "CREATE TABLE u (x); COMMIT; CREATE TABLE v (x);" });
        Assert.Contains("transaction", await PlatformClient.ErrorAsync(inner, HttpStatusCode.BadRequest));
        Assert.False(TestData.HasTable(DataDirectory, "tx-child", "u"));
    }

    [Fact]
    public async Task DirectSchemaChangesOnAChildAreRefused()
    {
        var factory = App.DatabaseFactory;
        await Api.CreateChildAsync("ddl-child", "todos-schema");
        using var child = factory.Open(DatabaseName.Parse("ddl-child"), DatabaseKind.Child, "todos-schema");
        using var command = child.CreateCommand();
        command.CommandText = "CREATE TABLE sneaky (x)";

        var refused = Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());

        var refusal = TenantDatabaseFactory.Explain(refused, child);
        Assert.Equal(DatabaseRefusalReason.SchemaChangeOnChild, refusal?.Reason);
        Assert.Contains("todos-schema", refusal!.Message);
    }
}

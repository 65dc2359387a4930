using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Tenancy.Databases;

namespace Tenancy.Tests;

public sealed class SqlitePoolGroupsTests
{
    [Fact]
    public void ClosedTenantsLeaveNothingBehindInMicrosoftDataSqlite()
    {
        Assert.True(SqlitePoolGroups.CanPrune,
            "This Microsoft.Data.Sqlite has no SqliteConnectionFactory.PruneCallback under its reader-writer lock: every tenant ever opened would keep ~760 bytes until the library's own pass (4 minutes after start, then every 30 s).");
        using var directory = new TemporaryDirectory();
        var connectionStrings = OpenAndCloseTenants(directory, count: 50);

        // The library forgets a group unused through two passes, and drops it from its idle list on the third.
        for (var pass = 0; pass < 3; pass++)
        {
            SqlitePoolGroups.Prune();
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.DoesNotContain(connectionStrings, kept => kept.IsAlive);
    }

    // Not inlined, so that no local keeps a connection string alive on the test's own stack.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] OpenAndCloseTenants(TemporaryDirectory directory, int count)
    {
        var kept = new WeakReference[count];
        for (var i = 0; i < count; i++)
        {
            // Built at run time, so the string is not an interned literal that lives forever anyway.
            var connectionString = new SqliteConnectionStringBuilder { DataSource = directory.File($"tenant-{i}.db"), Pooling = false }.ConnectionString;
            using (var connection = new SqliteConnection(connectionString))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "CREATE TABLE todos (id INTEGER PRIMARY KEY)";
                command.ExecuteNonQuery();
            }

            kept[i] = new WeakReference(connectionString);
        }

        return kept;
    }
}

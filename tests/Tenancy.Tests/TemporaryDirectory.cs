using Microsoft.Data.Sqlite;
using Tenancy.Databases;

namespace Tenancy.Tests;

/// <summary>A fresh DATA_DIR per test, deleted afterwards.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tenancy-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        Layout = new DatabaseLayout(Path);
    }

    public string Path { get; }

    public DatabaseLayout Layout { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public TenantDatabaseFactory Factory(TenantDatabaseOptions? options = null, TimeProvider? time = null) =>
        new(Layout, options ?? new TenantDatabaseOptions(), time ?? TimeProvider.System);

    public void Dispose()
    {
        // Unpooled connections are closed already; this only matters if a test leaked one.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail the test that produced it.
        }
    }
}

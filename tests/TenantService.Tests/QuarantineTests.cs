using System.Globalization;
using System.Net;
using Tenancy.Databases;
using Testing;

namespace TenantService.Tests;

/// <summary>Database files platform.db does not know are set aside at start, never deleted, and shown in the platform API.</summary>
[Collection(TenantServiceCollection.Name)]
public sealed class QuarantineTests(RedisFixture redis) : IDisposable
{
    private readonly string _dataDirectory = TestData.NewDataDirectory();
    private readonly string _platformCopy = TestData.NewDataDirectory();

    public void Dispose()
    {
        TestData.DeleteDirectory(_dataDirectory);
        TestData.DeleteDirectory(_platformCopy);
    }

    [Fact]
    public async Task ARestoredOlderPlatformDbKeepsTheNewerDatabasesInQuarantineAndListsThem()
    {
        var layout = new DatabaseLayout(_dataDirectory);
        await using (var first = new TenantServiceApp(_dataDirectory, redis.ConnectionString))
        {
            await new PlatformApi(first.Platform()).CreateOkAsync(new { name = "older", schema = "todos-schema" });
        }

        CopyPlatformDb(_dataDirectory, _platformCopy);
        await using (var second = new TenantServiceApp(_dataDirectory, redis.ConnectionString))
        {
            await new PlatformApi(second.Platform()).CreateOkAsync(new { name = "newer", schema = "todos-schema" });
        }

        var newerFile = layout.DatabasePath(DatabaseName.Parse("newer"));
        var newerBytes = File.ReadAllBytes(newerFile);
        CopyPlatformDb(_platformCopy, _dataDirectory);

        await using var restored = new TenantServiceApp(_dataDirectory, redis.ConnectionString);
        using var platform = restored.Platform();
        var api = new PlatformApi(platform);
        var names = await api.NamesAsync("");
        var listing = await PlatformApi.ReadAsync(await platform.GetAsync("/v1/organizations/local/quarantine"), HttpStatusCode.OK);
        var notFound = await PlatformApi.ErrorAsync(await api.GetAsync("/newer"), HttpStatusCode.NotFound);
        using var anonymous = restored.CreateClient();
        using var refused = await anonymous.GetAsync("/v1/organizations/local/quarantine");

        Assert.Contains("older", names);
        Assert.DoesNotContain("newer", names);
        Assert.False(File.Exists(newerFile));
        var file = Assert.Single(listing["files"]!.AsArray())!;
        Assert.Equal("newer", (string)file["name"]!);
        var path = (string)file["path"]!;
        Assert.Matches(@"^quarantine/\d{8}T\d{9}Z/newer\.db$", path);
        Assert.Equal(newerBytes, File.ReadAllBytes(Path.Combine(_dataDirectory, path)));
        Assert.Equal(newerBytes.Length, (long)file["size"]!);
        var at = DateTimeOffset.ParseExact((string)file["quarantined_at"]!, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.InRange(at, DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1));
        // The 404 says where the file is and how to bring it back.
        Assert.Contains(path, notFound);
        Assert.Contains("restore a platform.db that records 'newer', move the file and its -wal back to 'databases/ne/newer.db'", notFound);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    // platform.db with its WAL, as an operator's copy of a stopped service's folder holds it.
    private static void CopyPlatformDb(string from, string to)
    {
        foreach (var stale in Directory.GetFiles(to, "platform.db*"))
        {
            File.Delete(stale);
        }

        foreach (var path in Directory.GetFiles(from, "platform.db*"))
        {
            File.Copy(path, Path.Combine(to, Path.GetFileName(path)));
        }
    }
}

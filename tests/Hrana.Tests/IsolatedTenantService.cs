using Testing;

namespace Hrana.Tests;

/// <summary>
/// A tenantservice process with a Redis and a data directory of its own, for tests that load it, read its memory or
/// files, or change its limits: nothing they do reaches another test.
/// </summary>
public sealed class IsolatedTenantService : IAsyncDisposable
{
    private readonly RedisFixture _redis;

    private IsolatedTenantService(RedisFixture redis, string dataDirectory, TenantServiceProcess process)
    {
        _redis = redis;
        DataDirectory = dataDirectory;
        Process = process;
    }

    public string DataDirectory { get; }

    public TenantServiceProcess Process { get; }

    /// <summary>Starts Redis and the service with the platform token and <paramref name="settings"/> as extra environment variables.</summary>
    public static async Task<IsolatedTenantService> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var redis = new RedisFixture();
        await redis.InitializeAsync();
        var dataDirectory = Directory.CreateTempSubdirectory("hrana-isolated-").FullName;
        try
        {
            return new IsolatedTenantService(redis, dataDirectory, await TenantServiceProcess.StartAsync(dataDirectory, redis.ConnectionString, HranaApp.PlatformToken, settings));
        }
        catch
        {
            await redis.DisposeAsync();
            Directory.Delete(dataDirectory, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        await _redis.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file may still be closing; the temp folder is the OS's to clean.
        }
    }
}

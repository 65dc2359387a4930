using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Databases;

namespace TenantService.Tests;

/// <summary>
/// TenantService in-process on a real DATA_DIR and a real Redis. Dispose and start another on the same
/// directory to see what a restart does.
/// </summary>
public sealed class TenantServiceApp : WebApplicationFactory<PlatformOptions>
{
    public const string Token = "test-platform-token";

    private readonly Dictionary<string, string?> _settings;

    public TenantServiceApp(string dataDirectory, string redis, IDictionary<string, string?>? settings = null)
    {
        DataDirectory = dataDirectory;
        _settings = new Dictionary<string, string?>
        {
            ["DATA_DIR"] = dataDirectory,
            ["ConnectionStrings:cache"] = redis,
            ["PLATFORM_API_TOKEN"] = Token,
            ["PLATFORM_ORG"] = "local",
            ["PUBLIC_HOST"] = "localhost:8080",
            ["METADATA_CHECK_INTERVAL_MS"] = "200",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string DataDirectory { get; }

    public DatabaseLayout Layout => new(DataDirectory);

    public TenantDatabaseFactory DatabaseFactory => Services.GetRequiredService<TenantDatabaseFactory>();

    /// <summary>A client that sends the platform token.</summary>
    public HttpClient Platform()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    /// <summary>
    /// Returns once the service has closed every file of its DATA_DIR: with minimal hosting the app disposes its
    /// container on its own thread after the factory has stopped it, and a restart on the same folder must not race
    /// its last connections (closing the last one checkpoints the WAL into the database file).
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (OpenFiles().Any() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }

    private IEnumerable<string> OpenFiles() =>
        Directory.GetFiles("/proc/self/fd")
            .Select(fd => new FileInfo(fd).LinkTarget)
            .Where(target => target is not null && target.StartsWith(DataDirectory + "/", StringComparison.Ordinal))!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}

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

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}

using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Databases;
using TenantService;

namespace Migrations.Tests;

/// <summary>
/// TenantService in-process on a real DATA_DIR and a real Redis (the AppHost's public <c>Program</c> hides the
/// service's own, hence <see cref="PlatformOptions"/> as the entry point marker).
/// </summary>
public sealed class MigrationsApp : WebApplicationFactory<PlatformOptions>
{
    public const string Token = "migrations-test-token";

    private readonly Dictionary<string, string?> _settings;

    public MigrationsApp(string dataDirectory, string redis, IDictionary<string, string?>? settings = null)
    {
        DataDirectory = dataDirectory;
        _settings = new Dictionary<string, string?>
        {
            ["DATA_DIR"] = dataDirectory,
            ["ConnectionStrings:cache"] = redis,
            ["PLATFORM_API_TOKEN"] = Token,
            ["PLATFORM_ORG"] = "local",
            ["METADATA_CHECK_INTERVAL_MS"] = "200",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string DataDirectory { get; }

    public TenantDatabaseFactory DatabaseFactory => Services.GetRequiredService<TenantDatabaseFactory>();

    public PlatformClient Platform()
    {
        var client = CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return new PlatformClient(client);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}

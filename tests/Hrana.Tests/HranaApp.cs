using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Databases;
using TenantService;
using Testing;

namespace Hrana.Tests;

/// <summary>TenantService in-process behind real Kestrel, on a temporary DATA_DIR and a real Redis.</summary>
public sealed class HranaApp : WebApplicationFactory<PlatformOptions>
{
    public const string PlatformToken = "hrana-test-platform-token";

    private readonly Dictionary<string, string?> _settings;
    private readonly TimeProvider? _clock;

    public HranaApp(string redis, IDictionary<string, string?>? settings = null, TimeProvider? clock = null)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "hrana-tests-" + Guid.NewGuid().ToString("N"));
        SigningKeyPem = TestTokens.NewSigningKeyPem();
        _clock = clock;
        _settings = new Dictionary<string, string?>
        {
            ["DATA_DIR"] = DataDirectory,
            ["ConnectionStrings:cache"] = redis,
            ["PLATFORM_API_TOKEN"] = PlatformToken,
            ["PLATFORM_ORG"] = "local",
            ["DEV_JWT_SIGNING_KEY"] = SigningKeyPem,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string DataDirectory { get; }

    public string SigningKeyPem { get; }

    public HttpClient Platform() => WithToken(PlatformToken);

    public HttpClient Anonymous() => CreateClient();

    public HttpClient User(string userId) => WithToken(TestTokens.For(userId, SigningKeyPem));

    public HttpClient WithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Creates a database through the platform API: standalone, schema (<paramref name="isSchema"/>) or a child of <paramref name="schema"/>.</summary>
    public async Task CreateDatabaseAsync(string name, bool isSchema = false, string? schema = null)
    {
        using var client = Platform();
        object body = isSchema ? new { name, is_schema = true } : schema is null ? new { name } : new { name, schema };
        using var response = await client.PostAsJsonAsync("/v1/organizations/local/databases", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"creating {name}: {(int)response.StatusCode} {text}");
    }

    /// <summary>Runs SQL on a database file directly, as a migration would (schema changes allowed).</summary>
    public void RunDirectly(string name, DatabaseKind kind, string sql)
    {
        var factory = Services.GetRequiredService<TenantDatabaseFactory>();
        using var connection = factory.Open(DatabaseName.Parse(name), kind);
        using var door = factory.AllowSchemaChanges(connection);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Real Kestrel on a loopback port: body limits and HTTP behave as in production.
        UseKestrel(0);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(_clock));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still closing; the temp folder is cleaned eventually.
        }
    }
}

using System.Net.Http.Json;
using Testing;

namespace LibsqlClient.Tests;

/// <summary>A real tenantservice process (the libSQL server under test) with its own Redis and data folder, shared by the client tests.</summary>
public sealed class LibsqlServerFixture : IAsyncLifetime
{
    public const string PlatformToken = "libsql-client-test-platform-token";

    private readonly RedisFixture _redis = new();
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("libsql-client-tests-").FullName;
    private int _databases;

    public TenantServiceProcess Server { get; private set; } = null!;

    /// <summary>The server's libSQL URL of <paramref name="database"/>: <c>http://127.0.0.1:port/db/name/</c>.</summary>
    public Uri Url(string database) => new(Server.Address, $"/db/{database}/");

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        Server = await TenantServiceProcess.StartAsync(_dataDirectory, _redis.ConnectionString, PlatformToken);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await _redis.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file may still be closing; the temp folder is the OS's to clean.
        }
    }

    /// <summary>Creates a fresh standalone database through the platform API and returns its name.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "client")
    {
        var name = $"{prefix}-{Interlocked.Increment(ref _databases)}";
        using var response = await Server.Client.PostAsJsonAsync("/v1/organizations/local/databases", new { name });
        Assert.True(response.IsSuccessStatusCode, $"creating {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return name;
    }

    /// <summary>A client for <paramref name="database"/> with the platform token, straight to the server or through <paramref name="url"/>.</summary>
    public LibsqlDatabase Open(string database, Uri? url = null, Func<LibsqlClientOptions, LibsqlClientOptions>? configure = null)
    {
        var options = new LibsqlClientOptions { Url = url ?? Url(database), AuthToken = PlatformToken };
        return new LibsqlDatabase(configure?.Invoke(options) ?? options);
    }

    /// <summary>A fresh database and a client for it.</summary>
    public async Task<LibsqlDatabase> OpenNewAsync(string prefix = "client") => Open(await CreateDatabaseAsync(prefix));
}

[CollectionDefinition(Name)]
public sealed class LibsqlServerCollection : ICollectionFixture<LibsqlServerFixture>
{
    public const string Name = "libSQL server";
}

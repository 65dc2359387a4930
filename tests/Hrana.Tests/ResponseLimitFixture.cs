using System.Net.Http.Json;
using Testing;

namespace Hrana.Tests;

/// <summary>One tenantservice process with the default response limits and one database, for the response limit tests.</summary>
public sealed class ResponseLimitFixture : IAsyncLifetime
{
    public const string Database = "response-limits";

    private readonly RedisFixture _redis = new();
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("hrana-limits-").FullName;

    public TenantServiceProcess Service { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        // A statement time limit no test reaches, so that what is stopped is stopped by a response limit however busy the machine.
        Service = await StartAsync(_dataDirectory, _redis.ConnectionString, new Dictionary<string, string> { ["Tenancy__StatementTimeout"] = "00:01:00" });
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await _redis.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>A tenantservice process on its own data directory and Redis, with the <see cref="Database"/> database and extra settings.</summary>
    public static async Task<TenantServiceProcess> StartAsync(string dataDirectory, string redis, IReadOnlyDictionary<string, string>? settings = null)
    {
        var service = await TenantServiceProcess.StartAsync(dataDirectory, redis, HranaApp.PlatformToken, settings);
        using var created = await service.Client.PostAsJsonAsync("/v1/organizations/local/databases", new { name = Database });
        Assert.True(created.IsSuccessStatusCode, $"creating {Database}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        return service;
    }
}

// Run alone: these tests load the machine (hundreds of MB through the service) and read its memory, which other tests would blur.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResponseLimitCollection : ICollectionFixture<ResponseLimitFixture>
{
    public const string Name = "Response limits";
}

using System.Net.Http.Json;
using Testing;

namespace Hrana.Tests;

/// <summary>One tenantservice process with the default response limits and one database, for the response limit tests.</summary>
public sealed class ResponseLimitFixture : IAsyncLifetime
{
    public const string Database = "response-limits";

    private IsolatedTenantService _isolated = null!;

    public TenantServiceProcess Service => _isolated.Process;

    public async Task InitializeAsync() =>
        // A statement time limit no test reaches, so that what is stopped is stopped by a response limit however busy the machine.
        _isolated = await StartAsync(new Dictionary<string, string> { ["Tenancy__StatementTimeout"] = "00:01:00" });

    public async Task DisposeAsync() => await _isolated.DisposeAsync();

    /// <summary>A tenantservice process on its own data directory and Redis, with the <see cref="Database"/> database and extra settings.</summary>
    public static async Task<IsolatedTenantService> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var isolated = await IsolatedTenantService.StartAsync(settings);
        using var created = await isolated.Process.Client.PostAsJsonAsync("/v1/organizations/local/databases", new { name = Database });
        Assert.True(created.IsSuccessStatusCode, $"creating {Database}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        return isolated;
    }
}

// Run alone: these tests load the machine (hundreds of MB through the service) and read its memory, which other tests would blur.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResponseLimitCollection : ICollectionFixture<ResponseLimitFixture>
{
    public const string Name = "Response limits";
}

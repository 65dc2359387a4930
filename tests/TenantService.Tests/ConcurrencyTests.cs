using System.Net;
using Tenancy.Databases;
using Testing;

namespace TenantService.Tests;

[Collection(TenantServiceCollection.Name)]
public sealed class ConcurrencyTests(RedisFixture redis) : IAsyncLifetime
{
    private readonly string _dataDirectory = TestData.NewDataDirectory();
    private TenantServiceApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new TenantServiceApp(_dataDirectory, redis.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        TestData.DeleteDirectory(_dataDirectory);
    }

    [Theory]
    [InlineData("todos-schema")]
    [InlineData(null)]
    public async Task ConcurrentCreatesOfOneNameHaveExactlyOneWinner(string? schema)
    {
        var name = TestData.UniqueName("race");
        var api = new PlatformApi(_app.Platform());
        using var start = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 24).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            using var response = await api.CreateAsync(schema is null ? new { name } : new { name, schema });
            return response.StatusCode;
        })).ToList();
        start.Set();
        var statuses = await Task.WhenAll(attempts);

        Assert.Single(statuses, status => status == HttpStatusCode.OK);
        Assert.All(statuses.Where(status => status != HttpStatusCode.OK), status => Assert.Equal(HttpStatusCode.Conflict, status));
        Assert.Equal([name], (await api.NamesAsync("?group=default")).Where(n => n == name));
        Assert.True(File.Exists(_app.Layout.DatabasePath(DatabaseName.Parse(name))));
        Assert.Empty(Directory.GetFiles(_app.Layout.DatabasesDirectory, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task DeletingASchemaWhileChildrenAreCreatedNeverOrphansAChild()
    {
        var api = new PlatformApi(_app.Platform());
        await api.CreateOkAsync(new { name = "contested-schema", is_schema = true });
        var creates = Enumerable.Range(0, 20).Select(i => api.CreateAsync(new { name = $"contested-{i}", schema = "contested-schema" })).ToList();
        var deletes = Enumerable.Range(0, 5).Select(_ => api.DeleteAsync("contested-schema")).ToList();
        var responses = await Task.WhenAll(creates.Concat(deletes));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        var children = await api.NamesAsync("?schema=contested-schema");
        using var schema = await api.GetAsync("/contested-schema");
        // Either the schema survived (and has its children) or it is gone and no child refers to it.
        Assert.True(schema.StatusCode == HttpStatusCode.OK || children.Count == 0, $"schema {(int)schema.StatusCode}, children: {string.Join(",", children)}");
    }
}

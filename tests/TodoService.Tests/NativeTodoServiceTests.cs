using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Testing;

namespace TodoService.Tests;

/// <summary>
/// todoservice published as a native AOT executable, as README's "Native todoservice" deploys it (a third less memory):
/// what trimming could silently break at run time (settings binding, JSON, query binding, SQLite's configuration and pool-group prune,
/// error bodies, Redis) works the same as in the JIT build. The publish takes minutes (the AOT compiler runs).
/// </summary>
public sealed class NativeTodoServiceTests(TodoServiceFixture fixture) : IClassFixture<TodoServiceFixture>, IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "todoservice-native-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    [Fact]
    public async Task TheNativeTodoServiceServesTodosPagesThemAndRefusesWithTheSameBodies()
    {
        var executable = await ServiceBuild.PublishNativeAsync("TodoService", _output);
        var (userId, _) = await fixture.NewUserAsync();
        await using var service = await TodoServiceProcess.StartAsync(
            fixture.DataDirectory, fixture.Redis.ConnectionString, fixture.SigningKeyPem, nativeExecutable: executable);
        using var client = TodoServiceHost.Authorized(new HttpClient { BaseAddress = service.Address }, TestTokens.For(userId, fixture.SigningKeyPem));

        for (var i = 0; i < 3; i++)
        {
            using var created = await client.PostAsJsonAsync("/api/todos", new { description = $"native {i}" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var first = await client.GetFromJsonAsync<JsonElement>("/api/todos?limit=2");
        var rest = await client.GetFromJsonAsync<JsonElement>("/api/todos?limit=2&cursor=" + first.GetProperty("next_cursor").GetString());
        Assert.Equal(["native 2", "native 1", "native 0"],
            first.GetProperty("items").EnumerateArray().Concat(rest.GetProperty("items").EnumerateArray()).Select(item => item.GetProperty("description").GetString()));

        using var badLimit = await client.GetAsync("/api/todos?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.True((await badLimit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("limit", out _));

        using var signedOut = new HttpClient { BaseAddress = service.Address };
        using var anonymous = await signedOut.GetAsync("/api/todos");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.False(string.IsNullOrEmpty((await anonymous.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()));

        // SQLite's per-connection sizing and the pool-group prune (reflection the trimmer must keep) work natively too.
        Assert.DoesNotContain("warn: Tenancy.Databases.TenantDatabaseFactory", service.RecentOutput);
    }
}

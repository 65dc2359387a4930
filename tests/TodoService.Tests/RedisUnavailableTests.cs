using System.Net;
using Testing;

namespace TodoService.Tests;

/// <summary>Without Redis a cold tenant cannot be looked up: the answer is 503 with Retry-After, not a 500; open tenants go on.</summary>
public sealed class RedisUnavailableTests(TodoServiceFixture fixture) : IClassFixture<TodoServiceFixture>
{
    [Fact]
    public async Task AColdTenantWhileRedisIsUnreachableGets503WithRetryAfter()
    {
        await using var host = new TodoServiceHost(fixture.DataDirectory, $"127.0.0.1:{LoopbackPort.Free()},connectTimeout=500", fixture.SigningKeyPem);
        using var client = host.ClientFor("user_" + Guid.NewGuid().ToString("N"));

        using var response = await client.GetAsync("/api/todos");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("cannot be looked up", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AColdTenantWhileRedisIsHungGets503WithinTheLookupTimeoutAndOpenTenantsGoOn()
    {
        // The Redis client's own timeout far beyond the test's patience: only TENANT_LOOKUP_TIMEOUT_MS can answer in time.
        await using var host = new TodoServiceHost(
            fixture.DataDirectory, $"{fixture.Redis.ConnectionString},asyncTimeout=300000,syncTimeout=300000", fixture.SigningKeyPem,
            new Dictionary<string, string?> { ["TENANT_LOOKUP_TIMEOUT_MS"] = "300" });
        var (_, warm) = await fixture.NewUserAsync(host);
        var (_, cold) = await fixture.NewUserAsync(host);
        cold.Timeout = warm.Timeout = TimeSpan.FromSeconds(30);
        Assert.Equal(HttpStatusCode.OK, (await warm.GetAsync("/api/todos")).StatusCode);

        fixture.Redis.Pause();
        try
        {
            using var refused = await cold.GetAsync("/api/todos");
            using var served = await warm.GetAsync("/api/todos");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }
        finally
        {
            fixture.Redis.Resume();
        }

        Assert.Equal(HttpStatusCode.OK, (await cold.GetAsync("/api/todos")).StatusCode);
    }
}

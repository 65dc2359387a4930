using System.Net;
using Testing;

namespace TodoService.Tests;

/// <summary>Without Redis a cold tenant cannot be looked up: the answer is 503 with Retry-After, not a 500.</summary>
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
}

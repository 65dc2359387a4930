using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Tenancy.Metadata;
using Testing;

namespace TenantService.Tests;

/// <summary>platform.db is the revocation list's source of truth: a rotation outlives a restart of tenantservice and a flushed Redis, which is refilled from it.</summary>
[Collection(TenantServiceCollection.Name)]
public sealed class TokenRotationDurabilityTests(RedisFixture redis) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _dataDirectory = TestData.NewDataDirectory();
    private readonly Dictionary<string, string?> _settings = new() { ["DATABASE_TOKEN_SIGNING_KEY"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)) };

    public void Dispose() => TestData.DeleteDirectory(_dataDirectory);

    [Fact]
    public async Task ARotationOutlivesARestartAndAFlushedRedisIsRefilledWithIt()
    {
        var name = TestData.UniqueName("rotated");
        string old;
        await using (var first = new TenantServiceApp(_dataDirectory, redis.ConnectionString, _settings))
        {
            var platform = first.Platform();
            await new PlatformApi(platform).CreateOkAsync(new { name, schema = "todos-schema" });
            old = await MintAsync(platform, name);
            using var client = first.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await PipelineAsync(client, name, old)).StatusCode);
            using var rotated = await platform.PostAsync($"/v1/organizations/local/databases/{name}/auth/rotate", null);
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        }

        foreach (var server in redis.Connection.GetServers())
        {
            await server.FlushAllDatabasesAsync();
        }

        // Restarted while Redis is out of reach: only platform.db can say the token was rotated.
        await using (var offline = new TenantServiceApp(_dataDirectory, $"127.0.0.1:{LoopbackPort.Free()},connectTimeout=200", _settings))
        {
            using var restarted = offline.CreateClient();
            var refused = await PipelineAsync(restarted, name, old);
            var fresh = await PipelineAsync(restarted, name, await MintAsync(offline.Platform(), name));

            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("revoked", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        // Back with Redis: the flushed copy is written again from platform.db, for the gateway and the other services.
        await using var online = new TenantServiceApp(_dataDirectory, redis.ConnectionString, _settings);
        using var onlineClient = online.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await PipelineAsync(onlineClient, name, old)).StatusCode);
        var clock = Stopwatch.StartNew();
        while (!(await redis.Connection.GetDatabase().HashGetAsync(RedisKeys.TokenRotations, "database:" + name)).HasValue)
        {
            Assert.True(clock.Elapsed < Patience, "gave up waiting for the rotation to be written back into Redis");
            await Task.Delay(50);
        }
    }

    private static async Task<string> MintAsync(HttpClient platform, string name)
    {
        using var minted = await platform.PostAsync($"/v1/organizations/local/databases/{name}/auth/tokens?authorization=full-access", null);
        Assert.Equal(HttpStatusCode.OK, minted.StatusCode);
        return (await minted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jwt").GetString()!;
    }

    private static async Task<HttpResponseMessage> PipelineAsync(HttpClient client, string name, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/db/{name}/v2/pipeline")
        {
            Content = new StringContent("""{"baton":null,"requests":[{"type":"execute","stmt":{"sql":"SELECT 1"}},{"type":"close"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tenancy.Identity;
using Testing;
using static Hrana.Tests.HranaClient;

namespace Hrana.Tests;

/// <summary>
/// Fair shares of a real tenantservice's libSQL streams: callers that fill their database's or their address's share are
/// refused, while other tenants and the platform token go on opening streams. Small limits, so the test holds few.
/// </summary>
public sealed class StreamShareTests : IAsyncLifetime
{
    private const int MaxStreams = 24;
    private const int Reserved = 4;
    private const int PerDatabase = 5;
    private const int PerAddress = 8;

    private readonly string _signingKey = TestTokens.NewSigningKeyPem();
    private readonly List<HttpClient> _clients = [];
    private IsolatedTenantService _isolated = null!;

    public async Task InitializeAsync()
    {
        _isolated = await IsolatedTenantService.StartAsync(new Dictionary<string, string>
        {
            ["DEV_JWT_SIGNING_KEY"] = _signingKey,
            ["HRANA_MAX_STREAMS"] = $"{MaxStreams}",
            ["HRANA_PLATFORM_RESERVED_STREAMS"] = $"{Reserved}",
            ["HRANA_MAX_STREAMS_PER_DATABASE"] = $"{PerDatabase}",
            ["HRANA_MAX_STREAMS_PER_ADDRESS"] = $"{PerAddress}",
            // Long enough that no held stream expires during the test.
            ["HRANA_STREAM_IDLE_TIMEOUT_MS"] = "60000",
        });
    }

    public async Task DisposeAsync()
    {
        _clients.ForEach(client => client.Dispose());
        await _isolated.DisposeAsync();
    }

    private TenantServiceProcess Service => _isolated.Process;

    [Fact]
    public async Task ManyUsersFillingTheirSharesLeaveOtherTenantsAndThePlatformTokenAbleToOpenStreams()
    {
        // Three users, each from an address of its own (as the gateway forwards them), take all their databases allow.
        for (var i = 0; i < 3; i++)
        {
            var attacker = await UserAsync($"user_attacker_{i}", $"198.51.100.{i + 1}");
            Assert.Equal(PerDatabase, await HoldUntilRefusedAsync(attacker, HttpStatusCode.TooManyRequests, "HRANA_MAX_STREAMS_PER_DATABASE"));
        }

        // Another tenant and the platform token still get streams, on their own databases and on the attackers'.
        var bystander = await UserAsync("user_bystander", "198.51.100.50");
        await bystander.PipelineAsync(Execute("SELECT 1"), Close());
        var platform = new HranaClient(Service.Client, TestTokens.DatabaseOf("user_attacker_0"), "v3");
        await platform.PipelineAsync(Execute("SELECT 1"), Close());

        // More users fill what is shared (MaxStreams - Reserved): then everyone else gets 503, and the platform token still gets in.
        var held = 3 * PerDatabase;
        for (var i = 3; held < MaxStreams - Reserved; i++)
        {
            var user = await UserAsync($"user_attacker_{i}", $"198.51.100.{i + 1}");
            held += await HoldUntilRefusedAsync(user, null, null);
        }

        var late = await UserAsync("user_late", "198.51.100.60");
        await AssertRefusedAsync(late, HttpStatusCode.ServiceUnavailable, "HRANA_PLATFORM_RESERVED_STREAMS");
        for (var i = 0; i < Reserved; i++)
        {
            await new HranaClient(Service.Client, TestTokens.DatabaseOf("user_late"), "v3").PipelineAsync(Execute("SELECT 1"));
        }
    }

    [Fact]
    public async Task OneClientAddressCannotTakeMoreThanItsShare()
    {
        // Users of different databases behind one address, as the gateway forwards it: together they stop at the address's share.
        var total = 0;
        for (var i = 0; i < 2; i++)
        {
            total += await HoldUntilRefusedAsync(await UserAsync($"user_shared_{i}", "203.0.113.9"), null, null);
        }

        Assert.Equal(PerAddress, total);
        await AssertRefusedAsync(await UserAsync("user_shared_2", "203.0.113.9"), HttpStatusCode.TooManyRequests, "HRANA_MAX_STREAMS_PER_ADDRESS");

        // Another address is not affected.
        await (await UserAsync("user_elsewhere", "203.0.113.10")).PipelineAsync(Execute("SELECT 1"), Close());
    }

    [Fact]
    public async Task AForwardedAddressWithoutTheGatewaysSignatureDoesNotHelp()
    {
        // Sent straight to the service, a made-up X-Forwarded-For (unsigned, or signed with another key) counts as the caller's own address.
        var forger = new ForwardedForSignature("not-the-platform-token");
        var total = 0;
        for (var i = 0; i < 3; i++)
        {
            var unsigned = await UserAsync($"user_spoof_{i}", $"192.0.2.{i + 1}", signature: "");
            var forged = await UserAsync($"user_forged_{i}", $"192.0.2.{i + 101}", signature: forger.Sign($"192.0.2.{i + 101}"));
            total += await HoldUntilRefusedAsync(unsigned, null, null) + await HoldUntilRefusedAsync(forged, null, null);
        }

        Assert.Equal(PerAddress, total);
    }

    // Opens and holds streams (no 'close') until one is refused; checks the refusal and returns how many were held.
    private static async Task<int> HoldUntilRefusedAsync(HranaClient client, HttpStatusCode? status, string? setting)
    {
        for (var held = 0; ; held++)
        {
            client.Baton = null;
            using var response = await client.SendAsync(Execute("SELECT 1"));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                await AssertRefusal(response, status, setting);
                return held;
            }

            Assert.True(held < MaxStreams, "no limit stopped the streams");
        }
    }

    private static async Task AssertRefusedAsync(HranaClient client, HttpStatusCode status, string setting)
    {
        client.Baton = null;
        using var response = await client.SendAsync(Execute("SELECT 1"));
        await AssertRefusal(response, status, setting);
    }

    private static async Task AssertRefusal(HttpResponseMessage response, HttpStatusCode? status, string? setting)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode} {body}");
        if (status is not null)
        {
            Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode} {body}");
        }

        var error = JsonNode.Parse(body)!;
        Assert.Equal("STREAMS_EXHAUSTED", (string?)error["code"]);
        if (setting is not null)
        {
            Assert.Contains(setting, (string?)error["message"], StringComparison.Ordinal);
        }

        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, $"no Retry-After on {(int)response.StatusCode}");
    }

    // A user with a database of their own, calling as if through the gateway from `address` (signed), or with a given signature.
    private async Task<HranaClient> UserAsync(string userId, string address, string? signature = null)
    {
        var database = TestTokens.DatabaseOf(userId);
        using (var created = await Service.Client.PostAsJsonAsync("/v1/organizations/local/databases", new { name = database }))
        {
            Assert.True(created.IsSuccessStatusCode, $"creating {database}: {(int)created.StatusCode}");
        }

        var http = new HttpClient { BaseAddress = Service.Address };
        _clients.Add(http);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(userId, _signingKey));
        http.DefaultRequestHeaders.Add(ForwardedForSignature.ForwardedForHeader, address);
        signature ??= new ForwardedForSignature(HranaApp.PlatformToken).Sign(address);
        if (signature.Length > 0)
        {
            http.DefaultRequestHeaders.Add(ForwardedForSignature.HeaderName, signature);
        }

        return new HranaClient(http, database, "v3");
    }
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Testing;

namespace Benchmarks;

/// <summary>
/// The whole system through the AppHost, as the end-to-end tests boot it, with the per-tenant limit raised so that
/// the limiter is not what is measured; telemetry on or off (<c>DASHBOARD_ENABLED</c>).
/// </summary>
internal sealed class BenchmarkPlatform(bool telemetry) : PlatformFixture
{
    protected override IEnumerable<string> Arguments => ["--TENANT_RATE_LIMIT=1000000", $"--DASHBOARD_ENABLED={(telemetry ? "true" : "false")}"];

    /// <summary>A dev-issuer session token for <paramref name="userId"/>.</summary>
    public async Task<string> SignInAsync(string userId)
    {
        using var issued = await Gateway.PostAsJsonAsync("/dev/token", new { sub = userId });
        issued.EnsureSuccessStatusCode();
        return (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    /// <summary>A request carrying a session token, as a signed-in user's client sends it.</summary>
    public static HttpRequestMessage Authorized(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}

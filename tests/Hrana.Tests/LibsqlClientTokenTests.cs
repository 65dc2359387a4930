using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Testing;

namespace Hrana.Tests;

/// <summary>
/// The real <c>@libsql/client</c> through the gateway with database tokens minted by the platform API: a full-access token
/// passes every check of check.mjs, a read-only token reads and has every write refused (read-only.mjs).
/// </summary>
public sealed class LibsqlClientTokenTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    [Fact]
    public async Task TheRealLibsqlClientWorksThroughTheGatewayWithAFullAccessDatabaseToken()
    {
        const string name = "libsql-client-full-token";
        await PlatformAsync(HttpMethod.Post, "/v1/organizations/local/databases", new { name, schema = "todos-schema" });
        var token = await MintAsync(name, "full-access");

        var (exitCode, output, errors) = await OfficialLibsqlClient.RunAsync("check.mjs", new Uri(platform.Gateway.BaseAddress!, $"/db/{name}/"), token);

        Assert.True(exitCode == 0, $"node check.mjs exited with {exitCode}:\n{errors}\n{output}");
    }

    [Fact]
    public async Task TheRealLibsqlClientReadsButCannotWriteThroughTheGatewayWithAReadOnlyToken()
    {
        const string name = "libsql-client-read-only-token";
        await PlatformAsync(HttpMethod.Post, "/v1/organizations/local/databases", new { name, schema = "todos-schema" });
        var token = await MintAsync(name, "read-only");

        var (exitCode, output, errors) = await OfficialLibsqlClient.RunAsync("read-only.mjs", new Uri(platform.Gateway.BaseAddress!, $"/db/{name}/"), token);

        Assert.True(exitCode == 0, $"node read-only.mjs exited with {exitCode}:\n{errors}\n{output}");
    }

    private async Task<string> MintAsync(string database, string authorization)
    {
        var minted = await PlatformAsync(HttpMethod.Post, $"/v1/organizations/local/databases/{database}/auth/tokens?expiration=1d&authorization={authorization}");
        return minted.GetProperty("jwt").GetString()!;
    }

    private async Task<JsonElement> PlatformAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", platform.PlatformApiToken);
        using var response = await platform.Gateway.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}

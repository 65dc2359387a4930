using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Testing;

namespace Hrana.Tests;

/// <summary>
/// The real <c>@libsql/client</c> (tests/LibsqlClient/check.mjs, under node) against the whole system: straight to
/// tenantservice with the platform token, and through the gateway with a user's own token.
/// </summary>
public sealed class LibsqlClientTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    [Fact]
    public async Task TheRealLibsqlClientWorksAgainstTenantServiceDirectly()
    {
        const string name = "libsql-client-direct";
        await CreateTodosDatabaseAsync(name);

        var (exitCode, output, errors) = await OfficialLibsqlClient.RunAsync("check.mjs", new Uri(platform.App.GetEndpoint("tenantservice"), $"/db/{name}/"), platform.PlatformApiToken);

        Assert.True(exitCode == 0, $"node check.mjs exited with {exitCode}:\n{errors}\n{output}");
    }

    [Fact]
    public async Task TheRealLibsqlClientWorksThroughTheGatewayWithAUsersOwnToken()
    {
        const string userId = "user_libsql_client";
        var issued = await platform.Gateway.PostAsJsonAsync("/dev/token", new { sub = userId });
        var token = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;

        // The user's database does not exist yet: the client's first request through the gateway creates it.
        var (exitCode, output, errors) = await OfficialLibsqlClient.RunAsync("check.mjs", new Uri(platform.Gateway.BaseAddress!, $"/db/{TestTokens.DatabaseOf(userId)}/"), token);

        Assert.True(exitCode == 0, $"node check.mjs exited with {exitCode}:\n{errors}\n{output}");
    }

    // check.mjs works on the todos table, which every user's database has.
    private async Task CreateTodosDatabaseAsync(string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/organizations/local/databases")
        {
            Content = JsonContent.Create(new { name, schema = "todos-schema" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", platform.PlatformApiToken);
        using var response = await platform.Gateway.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"creating {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}

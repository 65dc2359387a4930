using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace AppHost.Tests;

/// <summary>A signed-in end user of the platform, with a session token from the gateway's dev issuer.</summary>
internal sealed class PlatformUser(HttpClient gateway, string id, string token)
{
    public string Id { get; } = id;

    /// <summary>The user's own database: the MD5 of the user id.</summary>
    public string Database => TestTokens.DatabaseOf(Id);

    /// <summary><c>POST /dev/token {"sub": ...}</c>, as the dev sign-in page does; a new user unless <paramref name="id"/> is given.</summary>
    public static async Task<PlatformUser> SignInAsync(HttpClient gateway, string? id = null)
    {
        id ??= NewId();
        using var issued = await gateway.PostAsJsonAsync("/dev/token", new { sub = id });
        Assert.True(issued.StatusCode == HttpStatusCode.OK, $"POST /dev/token: {(int)issued.StatusCode} {await issued.Content.ReadAsStringAsync()}");
        var token = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        return new PlatformUser(gateway, id, token);
    }

    /// <summary>A Clerk user id no one has used.</summary>
    public static string NewId() => "user_" + Guid.NewGuid().ToString("N");

    public Task<HttpResponseMessage> AddTodoAsync(string description) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/todos") { Content = JsonContent.Create(new { description }) });

    public Task<HttpResponseMessage> ListTodosAsync() => SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/todos"));

    /// <summary><c>GET /dump.sql</c>: "Download my data".</summary>
    public Task<HttpResponseMessage> DumpAsync() => SendAsync(new HttpRequestMessage(HttpMethod.Get, "/dump.sql"));

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await gateway.SendAsync(request);
        }
    }
}

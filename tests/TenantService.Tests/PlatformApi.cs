using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TenantService.Tests;

/// <summary>The platform API as a test calls it: raw responses, and the JSON of each answer.</summary>
internal sealed class PlatformApi(HttpClient client, string org = "local")
{
    public string Base => $"/v1/organizations/{org}/databases";

    public Task<HttpResponseMessage> CreateAsync(object body) => client.PostAsJsonAsync(Base, body);

    public Task<HttpResponseMessage> PostRawAsync(string body) =>
        client.PostAsync(Base, new StringContent(body, Encoding.UTF8, "application/json"));

    public async Task<JsonObject> CreateOkAsync(object body)
    {
        using var response = await CreateAsync(body);
        return await ReadAsync(response, HttpStatusCode.OK);
    }

    public Task<HttpResponseMessage> GetAsync(string pathAndQuery) => client.GetAsync(Base + pathAndQuery);

    public async Task<JsonObject> GetOkAsync(string pathAndQuery)
    {
        using var response = await GetAsync(pathAndQuery);
        return await ReadAsync(response, HttpStatusCode.OK);
    }

    public async Task<string> GetTextAsync(string pathAndQuery)
    {
        using var response = await GetAsync(pathAndQuery);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {pathAndQuery}: {(int)response.StatusCode} {text}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString());
        return text;
    }

    public async Task<List<string>> NamesAsync(string query)
    {
        var list = await GetOkAsync(query);
        return list["databases"]!.AsArray().Select(db => (string)db!["Name"]!).ToList();
    }

    /// <summary>POSTs to a call under a database (<c>/{name}/backups</c>), with a JSON body unless it is null.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, object? body) =>
        body is null ? client.PostAsync(Base + path, null) : client.PostAsJsonAsync(Base + path, body);

    public Task<HttpResponseMessage> DeleteAsync(string name) => client.DeleteAsync($"{Base}/{name}");

    public static async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Asserts the status and the <c>{"error": ..., "message": ...}</c> shape (one text in both); returns the text.</summary>
    public static async Task<string> ErrorAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await ReadAsync(response, expected);
        Assert.Equal(new[] { "error", "message" }, body.Select(property => property.Key).Order());
        var message = body["error"]?.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(message), $"no error message in {body.ToJsonString()}");
        Assert.Equal(message, body["message"]?.GetValue<string>());
        return message!;
    }

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}

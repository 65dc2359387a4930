using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.TestSupport;

/// <summary>Small request helpers, so tests read as what they send.</summary>
internal static class Http
{
    public static Task<HttpResponseMessage> GetAsync(this HttpClient client, string path, string? bearer, params (string Name, string Value)[] headers) =>
        client.SendAsync(HttpMethod.Get, path, bearer, headers);

    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string path, string? bearer, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static string Challenge(this HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values) ? string.Join(", ", values) : "";
}

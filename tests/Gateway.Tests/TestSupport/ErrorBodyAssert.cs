using System.Text.Json.Nodes;

namespace Gateway.Tests.TestSupport;

/// <summary>Checks the platform's error answer: exactly application/json, the reason as "error" and as "message".</summary>
internal static class ErrorBodyAssert
{
    public static async Task SaysAsync(HttpResponseMessage response, string reason)
    {
        // @libsql/client reads "message" only from a body typed exactly application/json.
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains(reason, body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(body["error"]!.GetValue<string>(), body["message"]!.GetValue<string>());
    }
}

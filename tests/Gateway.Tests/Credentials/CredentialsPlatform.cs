using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting.Testing;
using Gateway.Tests.TestSupport;
using Testing;

namespace Gateway.Tests.Credentials;

/// <summary>
/// The whole system (dev issuer) for the credential tests, with one extra organization role that may write
/// (<c>ORG_WRITE_ROLES</c>), so the setting's effect is seen beside its defaults.
/// </summary>
public sealed class CredentialsPlatformFixture : PlatformFixture
{
    protected override IEnumerable<string> Arguments => ["--ORG_WRITE_ROLES=org:admin,org:member,org:editor"];

    /// <summary>A client straight to tenantservice, past the gateway.</summary>
    public HttpClient TenantService() => new() { BaseAddress = App.GetEndpoint("tenantservice"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The DATABASE_TOKEN_SIGNING_KEY the services were given, to sign tokens the way an attacker holding it could.</summary>
    public string DatabaseTokenSigningKey =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(DataDirectory, "secrets.json")))!["DATABASE_TOKEN_SIGNING_KEY"];

    public async Task CreateDatabaseAsync(string name, string? group = null)
    {
        using var response = await PlatformAsync(HttpMethod.Post, "/databases", group is null ? new { name, schema = "todos-schema" } : new { name, schema = "todos-schema", group });
        Assert.True(response.IsSuccessStatusCode, $"creating {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>POST .../databases/{name}/auth/tokens (or .../groups/{group}/auth/tokens with <paramref name="group"/>).</summary>
    public async Task<string> MintAsync(string? database, string authorization = "full-access", string expiration = "1d", string? group = null)
    {
        var path = group is null ? $"/databases/{database}/auth/tokens" : $"/groups/{group}/auth/tokens";
        using var response = await PlatformAsync(HttpMethod.Post, $"{path}?expiration={expiration}&authorization={authorization}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"minting a token: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["jwt"]!.GetValue<string>();
    }

    public async Task RotateAsync(string path)
    {
        using var response = await PlatformAsync(HttpMethod.Post, path);
        Assert.True(response.IsSuccessStatusCode, $"rotating {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>A dev session token; with <paramref name="organization"/> active in Clerk's v1 or v2 claims.</summary>
    public async Task<string> SessionTokenAsync(string userId, string? organization = null, string? role = null, int version = 1)
    {
        using var issued = await Gateway.PostAsJsonAsync("/dev/token", new { sub = userId, org_id = organization, org_role = role, v = version });
        var text = await issued.Content.ReadAsStringAsync();
        Assert.True(issued.IsSuccessStatusCode, $"/dev/token: {(int)issued.StatusCode} {text}");
        return JsonNode.Parse(text)!["token"]!.GetValue<string>();
    }
}

[CollectionDefinition(Name)]
public sealed class CredentialsCollection : ICollectionFixture<CredentialsPlatformFixture>
{
    public const string Name = "Credentials end to end";
}

/// <summary>One libSQL pipeline of <c>execute</c> requests, and its answer: the HTTP status, each statement's result or error.</summary>
internal sealed record LibsqlAnswer(HttpResponseMessage Response, JsonNode? Body)
{
    public static async Task<LibsqlAnswer> SendAsync(HttpClient client, string database, string? token, params string[] statements)
    {
        var requests = new JsonArray(statements.Select(sql => (JsonNode)new JsonObject { ["type"] = "execute", ["stmt"] = new JsonObject { ["sql"] = sql } }).ToArray());
        requests.Add(new JsonObject { ["type"] = "close" });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/db/{database}/v2/pipeline")
        {
            Content = new StringContent(new JsonObject { ["baton"] = null, ["requests"] = requests }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new LibsqlAnswer(response, text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text) : null);
    }

    public System.Net.HttpStatusCode Status => Response.StatusCode;

    /// <summary>The error of statement <paramref name="index"/>, or null when it ran.</summary>
    public JsonNode? ErrorOf(int index) => Body!["results"]![index]!["type"]!.GetValue<string>() == "error" ? Body["results"]![index]!["error"] : null;

    /// <summary>The first value of the first row of statement <paramref name="index"/>'s result.</summary>
    public string? Scalar(int index)
    {
        Assert.True(ErrorOf(index) is null, $"statement {index} failed: {ErrorOf(index)?.ToJsonString()}");
        return Body!["results"]![index]!["response"]!["result"]!["rows"]![0]![0]!["value"]?.ToString();
    }

    /// <summary>The refusal's reason: the body's message and the WWW-Authenticate challenge.</summary>
    public string Reason => $"{Body?["message"]} {Response.Challenge()}";
}

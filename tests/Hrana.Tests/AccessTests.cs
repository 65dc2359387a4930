using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Testing;
using static Hrana.Tests.HranaClient;

namespace Hrana.Tests;

[Collection(HranaCollection.Name)]
public sealed class AccessTests(HranaFixture fixture)
{
    [Fact]
    public async Task APipelineWithoutCredentialsIsUnauthorized()
    {
        var client = new HranaClient(fixture.App.Anonymous(), HranaFixture.Standalone);
        using var response = await client.SendAsync(Execute("SELECT 1"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AWrongTokenIsUnauthorized()
    {
        var client = new HranaClient(fixture.App.WithToken("not-the-token"), HranaFixture.Standalone);
        using var response = await client.SendAsync(Execute("SELECT 1"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ARefusalCarriesAMessageLibsqlClientsShow()
    {
        var client = new HranaClient(fixture.App.WithToken("not-the-token"), HranaFixture.Standalone);
        using var response = await client.SendAsync(Execute("SELECT 1"));

        // @libsql/client reads "message" only from a body typed exactly application/json.
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains("token", body["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(body["error"]!.GetValue<string>(), body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task AUserReachesTheirOwnDatabaseButNotAnotherUsers()
    {
        var mine = TestTokens.DatabaseOf("user_alice");
        var theirs = TestTokens.DatabaseOf("user_bob");
        await fixture.App.CreateDatabaseAsync(mine);
        await fixture.App.CreateDatabaseAsync(theirs);
        var alice = fixture.App.User("user_alice");

        var own = new HranaClient(alice, mine);
        Assert.Equal(1L, Scalar(await own.QueryAsync("SELECT 1")));

        var other = new HranaClient(alice, theirs);
        using var response = await other.SendAsync(Execute("SELECT 1"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task AnUnknownDatabaseIsNotFound()
    {
        var client = fixture.Client("no-such-database");
        using var response = await client.SendAsync(Execute("SELECT 1"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("DATABASE_NOT_FOUND", (string?)error["code"]);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("{\"baton\": null}")]
    [InlineData("{\"baton\": null, \"requests\": [{\"type\": \"teleport\"}]}")]
    [InlineData("{\"baton\": null, \"requests\": [{\"type\": \"execute\"}]}")]
    [InlineData("{\"baton\": null, \"requests\": [{\"type\": \"execute\", \"stmt\": {\"sql\": \"SELECT ?\", \"args\": [{\"type\": \"integer\", \"value\": \"twelve\"}]}}]}")]
    public async Task AMalformedBodyIsABadRequestWithAMessage(string body)
    {
        var client = fixture.Client();
        using var response = await client.PostRawAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.False(string.IsNullOrEmpty((string?)error["message"]));
    }

    [Fact]
    public async Task ABodyOverTenMebibytesIsTooLarge()
    {
        using var http = fixture.App.Platform();
        var sql = "SELECT '" + new string('x', 10 * 1024 * 1024) + "'";
        var body = new JsonObject { ["baton"] = null, ["requests"] = new JsonArray(Execute(sql)) }.ToJsonString();
        using var response = await http.PostAsync($"/db/{HranaFixture.Standalone}/v2/pipeline", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task ABodyJustUnderTheLimitIsAccepted()
    {
        // Well over the platform API's 1 MiB: the libSQL endpoint has its own limit.
        var client = fixture.Client();
        var text = new string('y', 3 * 1024 * 1024);
        Assert.Equal((long)text.Length, Scalar(await client.QueryAsync("SELECT length(?)", Text(text))));
    }
}

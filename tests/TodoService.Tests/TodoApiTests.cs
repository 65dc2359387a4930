using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Testing;

namespace TodoService.Tests;

public sealed class TodoApiTests(TodoServiceFixture fixture) : IClassFixture<TodoServiceFixture>
{
    [Fact]
    public async Task CreatedTodoCanBeReadUpdatedAndDeleted()
    {
        var (_, client) = await fixture.NewUserAsync();

        var created = await client.PostAsJsonAsync("/api/todos", new { description = "  buy milk  " });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var todo = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = todo.GetProperty("id").GetInt64();
        Assert.Equal("buy milk", todo.GetProperty("description").GetString());
        Assert.False(todo.GetProperty("completed").GetBoolean());
        Assert.Equal($"/api/todos/{id}", created.Headers.Location?.ToString());

        var patched = await client.PatchAsJsonAsync($"/api/todos/{id}", new { completed = true });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var updated = await patched.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(updated.GetProperty("completed").GetBoolean());
        Assert.Equal("buy milk", updated.GetProperty("description").GetString());

        var fetched = await client.GetFromJsonAsync<JsonElement>($"/api/todos/{id}");
        Assert.True(fetched.GetProperty("completed").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/todos/{id}")).StatusCode);
        var gone = await client.GetAsync($"/api/todos/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/todos/{id}")).StatusCode);
    }

    [Fact]
    public async Task ListingPagesNewestFirstAndTheCursorVisitsEveryTodoOnce()
    {
        var (_, client) = await fixture.NewUserAsync();
        for (var i = 0; i < 7; i++)
        {
            (await client.PostAsJsonAsync("/api/todos", new { description = $"todo {i}" })).EnsureSuccessStatusCode();
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>("/api/todos?limit=3" + (cursor is null ? "" : "&cursor=" + cursor));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("description").GetString()!));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Range(0, 7).Reverse().Select(i => $"todo {i}"), seen);
    }

    [Fact]
    public async Task UsersNeverSeeEachOthersTodos()
    {
        var (_, alice) = await fixture.NewUserAsync();
        var (_, bob) = await fixture.NewUserAsync();

        var created = await alice.PostAsJsonAsync("/api/todos", new { description = "alice's secret" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var bobsList = await bob.GetFromJsonAsync<JsonElement>("/api/todos");
        Assert.Empty(bobsList.GetProperty("items").EnumerateArray());
        // Ids are per database: the same id in Bob's database is not Alice's todo.
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/todos/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"/api/todos/{id}")).StatusCode);
        Assert.Single((await alice.GetFromJsonAsync<JsonElement>("/api/todos")).GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("{}", "description")]
    [InlineData("{\"description\": \"   \"}", "description")]
    [InlineData("{\"description\": 42}", "description")]
    [InlineData("{\"description\": \"ok\", \"owner\": \"someone-else\"}", "owner")]
    [InlineData("{\"description\": ", "body")]
    public async Task InvalidCreateBodiesAreRefusedNamingTheField(string body, string field)
    {
        var (_, client) = await fixture.NewUserAsync();

        var response = await client.PostAsync("/api/todos", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"problem should name '{field}': {problem}");
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/todos")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task DescriptionLongerThanAThousandCharactersIsRefused()
    {
        var (_, client) = await fixture.NewUserAsync();

        var response = await client.PostAsJsonAsync("/api/todos", new { description = new string('x', 1001) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("1-1000", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PatchWithAWrongTypeIsRefusedAndChangesNothing()
    {
        var (_, client) = await fixture.NewUserAsync();
        var created = await client.PostAsJsonAsync("/api/todos", new { description = "keep me" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var response = await client.PatchAsync($"/api/todos/{id}", new StringContent("{\"completed\": \"yes\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("completed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False((await client.GetFromJsonAsync<JsonElement>($"/api/todos/{id}")).GetProperty("completed").GetBoolean());
    }

    [Fact]
    public async Task OversizedBodyGets413()
    {
        var (_, client) = await fixture.NewUserAsync();
        var body = "{\"description\": \"" + new string('x', (1 << 20) + 10) + "\"}";

        var response = await client.PostAsync("/api/todos", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("cursor=not-a-cursor!", "cursor")]
    public async Task BadPagingParametersAreRefused(string query, string field)
    {
        var (_, client) = await fixture.NewUserAsync();

        var response = await client.GetAsync("/api/todos?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task RequestsWithoutAValidTokenGet401EvenWithAForgedTenantHeader()
    {
        var (userId, _) = await fixture.NewUserAsync();
        var anonymous = fixture.Service.CreateClient();
        anonymous.DefaultRequestHeaders.Add("X-Tenant-Database", Tenancy.Databases.TenantId.FromClerkId(userId).Value);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/todos")).StatusCode);

        var otherKey = TestTokens.NewSigningKeyPem();
        var forged = TodoServiceHost.Authorized(fixture.Service.CreateClient(), TestTokens.For(userId, otherKey));
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/todos")).StatusCode);
    }

    [Fact]
    public async Task AnswersTellTheTimeSpentInsideTheServiceEvenWhenRefused()
    {
        var (_, client) = await fixture.NewUserAsync();

        var listed = await client.GetAsync("/api/todos");
        var refused = await fixture.Service.CreateClient().GetAsync("/api/todos");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        foreach (var response in new[] { listed, refused })
        {
            Assert.Matches(@"^app;dur=\d+(\.\d+)?$", Assert.Single(response.Headers.GetValues("Server-Timing")));
        }
    }

    [Fact]
    public async Task MeReportsTheUsersDatabaseAndSchemaVersion()
    {
        var (userId, client) = await fixture.NewUserAsync();

        var me = await client.GetFromJsonAsync<JsonElement>("/api/me");

        Assert.Equal(userId, me.GetProperty("user_id").GetString());
        Assert.Equal(Tenancy.Databases.TenantId.FromClerkId(userId).Value, me.GetProperty("database").GetString());
        Assert.Equal("ready", me.GetProperty("status").GetString());
        Assert.Equal(1, me.GetProperty("schema_version").GetInt64());
    }

    [Fact]
    public async Task AUserWithoutADatabaseGets404()
    {
        var client = fixture.Service.ClientFor("user_never_provisioned_" + Guid.NewGuid().ToString("N"));

        var response = await client.GetAsync("/api/todos");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("does not exist", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Testing;

namespace TenantService.Tests;

[Collection(TenantServiceCollection.Name)]
public sealed class BadInputTests(RedisFixture redis) : IAsyncLifetime
{
    private readonly string _dataDirectory = TestData.NewDataDirectory();
    private TenantServiceApp _app = null!;
    private PlatformApi _api = null!;

    public async Task InitializeAsync()
    {
        _app = new TenantServiceApp(_dataDirectory, redis.ConnectionString);
        _api = new PlatformApi(_app.Platform());
        await _api.CreateOkAsync(new { name = "existing" });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        TestData.DeleteDirectory(_dataDirectory);
    }

    public static TheoryData<string> InvalidNames => new()
    {
        "../x",
        "A",
        new string('a', 65),
        "",
        "-leading",
        "trailing-",
        "has space",
        "dot.db",
        "..",
        "%2e%2e",
    };

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public async Task AnInvalidNameIsRefusedWithTheRule(string name)
    {
        var before = Snapshot();
        using var response = await _api.CreateAsync(new { name });

        var message = await PlatformApi.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("1-64 characters of a-z, 0-9 and '-'", message);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task AMissingNameIsRefused()
    {
        using var response = await _api.CreateAsync(new { group = "default" });
        Assert.Contains("'name' is required", await PlatformApi.ErrorAsync(response, HttpStatusCode.BadRequest));
    }

    [Theory]
    [InlineData("/A")]
    [InlineData("/bad_name")]
    [InlineData("/bad_name/dump")]
    [InlineData("/bad_name/schema")]
    public async Task AnInvalidNameInThePathIsRefusedWithTheRule(string path)
    {
        using var response = await _api.GetAsync(path);
        Assert.Contains("1-64 characters", await PlatformApi.ErrorAsync(response, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task IsSchemaWithSchemaIsRefused()
    {
        using var response = await _api.CreateAsync(new { name = "both", is_schema = true, schema = "todos-schema" });
        var message = await PlatformApi.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("'is_schema' and 'schema' cannot be combined", message);
        Assert.False(File.Exists(_app.Layout.DatabasePath(Tenancy.Databases.DatabaseName.Parse("both"))));
    }

    [Fact]
    public async Task EveryProblemIsReportedAtOnce()
    {
        using var response = await _api.CreateAsync(new { name = "Bad", group = "Also Bad", seed = new { type = "dump" } });
        var message = await PlatformApi.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("'name'", message);
        Assert.Contains("'group'", message);
        Assert.Contains("'seed.type'", message);
        Assert.Contains("'seed.name' is required", message);
    }

    [Fact]
    public async Task AnUnknownSchemaIsNotFound()
    {
        using var response = await _api.CreateAsync(new { name = "orphan-child", schema = "no-such-schema" });
        Assert.Contains("schema database 'no-such-schema' not found", await PlatformApi.ErrorAsync(response, HttpStatusCode.NotFound));
        Assert.False(File.Exists(_app.Layout.DatabasePath(Tenancy.Databases.DatabaseName.Parse("orphan-child"))));
    }

    [Fact]
    public async Task AChildOfANonSchemaDatabaseIsNotFound()
    {
        using var response = await _api.CreateAsync(new { name = "child-of-plain", schema = "existing" });
        Assert.Contains("schema database 'existing' not found", await PlatformApi.ErrorAsync(response, HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task AnUnknownSeedIsNotFound()
    {
        using var response = await _api.CreateAsync(new { name = "copy", seed = new { type = "database", name = "no-such-db" } });
        Assert.Contains("seed database 'no-such-db' not found", await PlatformApi.ErrorAsync(response, HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task ADuplicateIsAConflict()
    {
        using var response = await _api.CreateAsync(new { name = "existing" });
        Assert.Contains("'existing' already exists", await PlatformApi.ErrorAsync(response, HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task ABodyOverOneMebibyteIsTooLarge()
    {
        var padding = new string('x', 1024 * 1024);
        using var response = await _api.PostRawAsync($"{{\"name\":\"big\",\"group\":\"{padding}\"}}");
        Assert.Contains("1 MiB", await PlatformApi.ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge));
    }

    [Fact]
    public async Task AnOversizedBodyWithoutContentLengthIsTooLarge()
    {
        var padding = new string('x', 1024 * 1024 + 10);
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($"{{\"name\":\"big\",\"group\":\"{padding}\"}}")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, _api.Base) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await _app.Platform().SendAsync(request);
        await PlatformApi.ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("{\"name\": ", "not valid JSON")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("", "request body is required")]
    [InlineData("[\"name\"]", "must be a JSON object")]
    [InlineData("null", "must be a JSON object")]
    [InlineData("{\"name\": 5}", "'name' has the wrong type: expected a string")]
    [InlineData("{\"name\": \"ok-name\", \"is_schema\": \"yes\"}", "'is_schema' has the wrong type: expected true or false")]
    [InlineData("{\"name\": \"ok-name\", \"seed\": \"other\"}", "'seed' has the wrong type")]
    [InlineData("{\"name\": \"ok-name\", \"seed\": {\"type\": \"database\", \"name\": 7}}", "'seed.name' has the wrong type")]
    public async Task AMalformedBodyIsABadRequestNamingTheProblem(string body, string expected)
    {
        using var response = await _api.PostRawAsync(body);
        Assert.Contains(expected, await PlatformApi.ErrorAsync(response, HttpStatusCode.BadRequest));
        Assert.False(File.Exists(_app.Layout.DatabasePath(Tenancy.Databases.DatabaseName.Parse("ok-name"))));
    }

    [Fact]
    public async Task AnotherOrganizationIsNotFound()
    {
        var other = new PlatformApi(_app.Platform(), org: "someone-else");
        using var response = await other.GetAsync("");
        Assert.Contains("organization 'someone-else' not found", await PlatformApi.ErrorAsync(response, HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task AMissingOrWrongTokenIsUnauthorized()
    {
        var anonymous = new PlatformApi(_app.CreateClient());
        using (var response = await anonymous.GetAsync(""))
        {
            Assert.Contains("missing platform API token", await PlatformApi.ErrorAsync(response, HttpStatusCode.Unauthorized));
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }

        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TenantServiceApp.Token + "x");
        using (var response = await new PlatformApi(client).CreateAsync(new { name = "sneaky" }))
        {
            Assert.Contains("invalid platform API token", await PlatformApi.ErrorAsync(response, HttpStatusCode.Unauthorized));
        }

        Assert.False(File.Exists(_app.Layout.DatabasePath(Tenancy.Databases.DatabaseName.Parse("sneaky"))));
    }

    [Fact]
    public async Task AUserTokenDoesNotOpenThePlatformApi()
    {
        var directory = TestData.NewDataDirectory();
        var signingKey = TestTokens.NewSigningKeyPem();
        await using (var app = new TenantServiceApp(directory, redis.ConnectionString, new Dictionary<string, string?> { ["DEV_JWT_SIGNING_KEY"] = signingKey }))
        {
            var client = app.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For("user_not_platform", signingKey));
            using var response = await new PlatformApi(client).CreateAsync(new { name = "by-a-user" });
            Assert.Contains("only the platform API token", await PlatformApi.ErrorAsync(response, HttpStatusCode.Forbidden));
            Assert.False(File.Exists(app.Layout.DatabasePath(Tenancy.Databases.DatabaseName.Parse("by-a-user"))));
        }

        TestData.DeleteDirectory(directory);
    }

    [Fact]
    public async Task WithoutAConfiguredTokenEverythingIsRefused()
    {
        var directory = TestData.NewDataDirectory();
        await using var app = new TenantServiceApp(directory, redis.ConnectionString, new Dictionary<string, string?> { ["PLATFORM_API_TOKEN"] = "" });
        using var response = await new PlatformApi(app.Platform()).GetAsync("");
        Assert.Contains("PLATFORM_API_TOKEN is not configured", await PlatformApi.ErrorAsync(response, HttpStatusCode.ServiceUnavailable));
        TestData.DeleteDirectory(directory);
    }

    [Fact]
    public async Task AnUnknownListTypeIsABadRequest()
    {
        using var response = await _api.GetAsync("?type=weird");
        Assert.Contains("'type' must be", await PlatformApi.ErrorAsync(response, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task UnknownDatabasesAreNotFound()
    {
        foreach (var path in new[] { "/missing", "/missing/dump", "/missing/schema" })
        {
            using var response = await _api.GetAsync(path);
            Assert.Contains("database 'missing' not found", await PlatformApi.ErrorAsync(response, HttpStatusCode.NotFound));
        }

        using var delete = await _api.DeleteAsync("missing");
        await PlatformApi.ErrorAsync(delete, HttpStatusCode.NotFound);
    }

    private string Snapshot() => string.Join("\n", Directory.EnumerateFiles(_dataDirectory, "*", SearchOption.AllDirectories)
        .Where(path => !path.EndsWith("-wal", StringComparison.Ordinal) && !path.EndsWith("-shm", StringComparison.Ordinal) && !path.EndsWith("platform.db", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal));
}

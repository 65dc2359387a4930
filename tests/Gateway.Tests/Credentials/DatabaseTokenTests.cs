using System.Net;
using System.Security.Cryptography;
using Gateway.Tests.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Credentials;

/// <summary>Database and group tokens through the whole system: what each opens, and every shape that must be refused.</summary>
[Collection(CredentialsCollection.Name)]
public sealed class DatabaseTokenTests(CredentialsPlatformFixture platform)
{
    private const string Insert = "INSERT INTO todos (description) VALUES ('from a token')";
    private const string Count = "SELECT count(*) FROM todos";

    [Fact]
    public async Task ADatabaseTokenOpensItsDatabaseThroughTheGatewayAndDirectly()
    {
        var name = NewName();
        await platform.CreateDatabaseAsync(name);
        var token = await platform.MintAsync(name);
        using var direct = platform.TenantService();

        var written = await LibsqlAnswer.SendAsync(platform.Gateway, name, token, Insert, Count);
        var read = await LibsqlAnswer.SendAsync(direct, name, token, Count);

        Assert.Equal(HttpStatusCode.OK, written.Status);
        Assert.Null(written.ErrorOf(0));
        Assert.Equal("1", read.Scalar(0));
    }

    [Fact]
    public async Task ADatabaseTokenDoesNotOpenAnotherDatabase()
    {
        var mine = NewName();
        var theirs = NewName();
        await platform.CreateDatabaseAsync(mine);
        await platform.CreateDatabaseAsync(theirs);
        var token = await platform.MintAsync(mine);
        using var direct = platform.TenantService();

        Assert.Equal(HttpStatusCode.Forbidden, (await LibsqlAnswer.SendAsync(platform.Gateway, theirs, token, Count)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await LibsqlAnswer.SendAsync(direct, theirs, token, Count)).Status);
    }

    [Fact]
    public async Task AGroupTokenOpensEveryDatabaseOfItsGroupAndNoOther()
    {
        var group = NewName();
        var otherGroup = NewName();
        var (first, second, outside) = (NewName(), NewName(), NewName());
        await platform.CreateDatabaseAsync(first, group);
        await platform.CreateDatabaseAsync(second, group);
        await platform.CreateDatabaseAsync(outside, otherGroup);
        var token = await platform.MintAsync(null, group: group);

        Assert.Null((await LibsqlAnswer.SendAsync(platform.Gateway, first, token, Insert)).ErrorOf(0));
        Assert.Null((await LibsqlAnswer.SendAsync(platform.Gateway, second, token, Insert)).ErrorOf(0));
        Assert.Equal(HttpStatusCode.Forbidden, (await LibsqlAnswer.SendAsync(platform.Gateway, outside, token, Count)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await LibsqlAnswer.SendAsync(platform.Gateway, outside, await platform.MintAsync(first), Count)).Status);
    }

    [Fact]
    public async Task AReadOnlyTokenReadsButItsWritesAreRefusedSayingSo()
    {
        var name = NewName();
        await platform.CreateDatabaseAsync(name);
        var readOnly = await platform.MintAsync(name, "read-only");

        var answer = await LibsqlAnswer.SendAsync(platform.Gateway, name, readOnly, Count, Insert, "BEGIN IMMEDIATE");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("0", answer.Scalar(0));
        Assert.Equal("SQLITE_READONLY", answer.ErrorOf(1)?["code"]?.GetValue<string>());
        Assert.Contains("read-only", answer.ErrorOf(1)?["message"]?.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("SQLITE_READONLY", answer.ErrorOf(2)?["code"]?.GetValue<string>());
        Assert.Equal("0", (await LibsqlAnswer.SendAsync(platform.Gateway, name, await platform.MintAsync(name), Count)).Scalar(0));
    }

    [Fact]
    public async Task ARotatedDatabaseTokenIsRefusedAtOnceEverywhereWithTheReasonAndANewOneWorks()
    {
        var name = NewName();
        await platform.CreateDatabaseAsync(name);
        var old = await platform.MintAsync(name);
        using var direct = platform.TenantService();
        Assert.Equal(HttpStatusCode.OK, (await LibsqlAnswer.SendAsync(platform.Gateway, name, old, Count)).Status);

        await platform.RotateAsync($"/databases/{name}/auth/rotate");
        var fresh = await platform.MintAsync(name);

        var atGateway = await LibsqlAnswer.SendAsync(platform.Gateway, name, old, Count);
        var atService = await LibsqlAnswer.SendAsync(direct, name, old, Count);
        Assert.Equal(HttpStatusCode.Unauthorized, atGateway.Status);
        Assert.Contains("revoked", atGateway.Reason, StringComparison.Ordinal);
        Assert.Contains($"database '{name}' were rotated", atGateway.Reason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, atService.Status);
        Assert.Equal("0", (await LibsqlAnswer.SendAsync(platform.Gateway, name, fresh, Count)).Scalar(0));
    }

    [Fact]
    public async Task RotatingAGroupRevokesItsGroupTokensAndTheTokensOfItsDatabases()
    {
        var group = NewName();
        var name = NewName();
        await platform.CreateDatabaseAsync(name, group);
        var groupToken = await platform.MintAsync(null, group: group);
        var databaseToken = await platform.MintAsync(name);
        var otherGroupToken = await platform.MintAsync(null, group: "default");

        await platform.RotateAsync($"/groups/{group}/auth/rotate");

        Assert.Equal(HttpStatusCode.Unauthorized, (await LibsqlAnswer.SendAsync(platform.Gateway, name, groupToken, Count)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await LibsqlAnswer.SendAsync(platform.Gateway, name, databaseToken, Count)).Status);
        var defaultDatabase = NewName();
        await platform.CreateDatabaseAsync(defaultDatabase);
        Assert.Equal(HttpStatusCode.OK, (await LibsqlAnswer.SendAsync(platform.Gateway, defaultDatabase, otherGroupToken, Count)).Status);
    }

    [Fact]
    public async Task RotatingADatabaseRevokesGroupTokensForThatDatabaseOnly()
    {
        var group = NewName();
        var (rotated, untouched) = (NewName(), NewName());
        await platform.CreateDatabaseAsync(rotated, group);
        await platform.CreateDatabaseAsync(untouched, group);
        var groupToken = await platform.MintAsync(null, group: group);

        await platform.RotateAsync($"/databases/{rotated}/auth/rotate");

        Assert.Equal(HttpStatusCode.Unauthorized, (await LibsqlAnswer.SendAsync(platform.Gateway, rotated, groupToken, Count)).Status);
        Assert.Equal(HttpStatusCode.OK, (await LibsqlAnswer.SendAsync(platform.Gateway, untouched, groupToken, Count)).Status);
    }

    [Fact]
    public async Task AnExpiredTokenIsRefusedWithTheReason()
    {
        var name = NewName();
        await platform.CreateDatabaseAsync(name);
        // Signed with the platform's own key, so only its exp (two hours ago, beyond the minute of clock skew) is wrong.
        var expired = Sign(SecurityAlgorithms.HmacSha256, platform.DatabaseTokenSigningKey, name, DateTime.UtcNow.AddHours(-3), DateTime.UtcNow.AddHours(-2));

        var answer = await LibsqlAnswer.SendAsync(platform.Gateway, name, expired, Count);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Contains("expired", answer.Reason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await LibsqlAnswer.SendAsync(platform.Gateway, name,
            Sign(SecurityAlgorithms.HmacSha256, platform.DatabaseTokenSigningKey, name, DateTime.UtcNow, DateTime.UtcNow.AddHours(1)), Count)).Status);
    }

    [Fact]
    public async Task ATokenSignedWithAnotherKeyIsRefused()
    {
        var name = NewName();
        await platform.CreateDatabaseAsync(name);
        var forged = Sign(SecurityAlgorithms.HmacSha256, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), name, DateTime.UtcNow, DateTime.UtcNow.AddHours(1), keyId: false);
        using var direct = platform.TenantService();

        var atGateway = await LibsqlAnswer.SendAsync(platform.Gateway, name, forged, Count);
        var atService = await LibsqlAnswer.SendAsync(direct, name, forged, Count);

        Assert.Equal(HttpStatusCode.Unauthorized, atGateway.Status);
        Assert.Contains("signature", atGateway.Reason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, atService.Status);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ATokenWithAlgNoneIsRefused(bool withSignaturePart)
    {
        var name = NewName();
        await platform.CreateDatabaseAsync(name);
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode(
            $$"""{"iss":"urn:tenant-platform:database-token","a":"rw","id":"{{name}}","gid":"default","iat_ms":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}}""");
        var unsigned = $"{header}.{payload}." + (withSignaturePart ? Base64UrlEncoder.Encode("forged") : "");

        var answer = await LibsqlAnswer.SendAsync(platform.Gateway, name, unsigned, Count);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
    }

    [Fact]
    public async Task DatabaseAndUserTokensNeverOpenThePlatformApiNorTheTodoApi()
    {
        var name = NewName();
        await platform.CreateDatabaseAsync(name);
        var databaseToken = await platform.MintAsync(name);
        var groupToken = await platform.MintAsync(null, group: "default");
        var userToken = await platform.SessionTokenAsync("user_" + Guid.NewGuid().ToString("N"));

        foreach (var token in (string[])[databaseToken, groupToken, userToken])
        {
            var platformApi = await platform.Gateway.GetAsync("/v1/organizations/local/databases", token);
            Assert.Equal(HttpStatusCode.Forbidden, platformApi.StatusCode);
            await ErrorBodyAssert.SaysAsync(platformApi, "only the platform API token opens the platform API");
            Assert.Equal(HttpStatusCode.Forbidden, (await platform.Gateway.SendAsync(HttpMethod.Post, $"/v1/organizations/local/databases/{name}/auth/tokens", token)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await platform.Gateway.GetAsync("/api/todos", databaseToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.Gateway.GetAsync("/dump.sql", groupToken)).StatusCode);
    }

    [Fact]
    public async Task TheTokenCallsCheckTheirArguments()
    {
        var name = NewName();
        await platform.CreateDatabaseAsync(name);

        var badExpiration = await platform.PlatformAsync(HttpMethod.Post, $"/databases/{name}/auth/tokens?expiration=soon");
        var badAuthorization = await platform.PlatformAsync(HttpMethod.Post, $"/databases/{name}/auth/tokens?authorization=admin");
        var unknownDatabase = await platform.PlatformAsync(HttpMethod.Post, $"/databases/{NewName()}/auth/tokens");
        var unknownGroup = await platform.PlatformAsync(HttpMethod.Post, $"/groups/{NewName()}/auth/tokens");

        Assert.Equal(HttpStatusCode.BadRequest, badExpiration.StatusCode);
        Assert.Contains("'expiration' is 'never' or a duration", await badExpiration.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badAuthorization.StatusCode);
        Assert.Contains("'authorization' is 'full-access'", await badAuthorization.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknownDatabase.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownGroup.StatusCode);
    }

    [Fact]
    public async Task ATokenMintedWithAnExpirationCarriesItAndOneThatNeverExpiresWorks()
    {
        var name = NewName();
        await platform.CreateDatabaseAsync(name);

        var twoWeeks = new JsonWebToken(await platform.MintAsync(name, expiration: "2w"));
        var never = new JsonWebToken(await platform.MintAsync(name, expiration: "never"));
        var answer = await LibsqlAnswer.SendAsync(platform.Gateway, name, never.EncodedToken, Count);
        var again = await LibsqlAnswer.SendAsync(platform.Gateway, name, never.EncodedToken, Count);

        Assert.Equal("0", answer.Scalar(0));
        Assert.Equal("0", again.Scalar(0));

        Assert.InRange(twoWeeks.ValidTo - DateTime.UtcNow, TimeSpan.FromDays(14) - TimeSpan.FromMinutes(5), TimeSpan.FromDays(14));
        Assert.False(never.TryGetPayloadValue<long>("exp", out _));
        Assert.Equal("HS256", twoWeeks.Alg);
    }

    private static string NewName() => "tok-" + Guid.NewGuid().ToString("N")[..20];

    private static string Sign(string algorithm, string key, string database, DateTime issuedAt, DateTime expires, bool keyId = true) =>
        DatabaseTokenSigner.Sign(algorithm, key, database, issuedAt, expires, keyId);
}

using System.Net;
using System.Security.Claims;
using Gateway.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tenancy.Databases;
using Tenancy.Identity;

namespace Gateway.Tests.Credentials;

/// <summary>
/// Organization members reach their organization's database (md5 of the org id) over libSQL with their own session token,
/// as Clerk's v1 (org_id, org_role) or v2 (o) claims say; ORG_WRITE_ROLES (here org:admin, org:member, org:editor) decides who writes.
/// </summary>
[Collection(CredentialsCollection.Name)]
public sealed class OrganizationMemberTests(CredentialsPlatformFixture platform)
{
    private const string Write = "INSERT INTO channels (name) VALUES (lower(hex(randomblob(8))))";
    private const string Count = "SELECT count(*) FROM channels";

    [Theory]
    [InlineData(1, "org:member")]
    [InlineData(1, "org:admin")]
    [InlineData(2, "org:member")]
    [InlineData(2, "org:admin")]
    public async Task AMemberReadsAndWritesTheOrganizationsDatabaseWithTheirOwnSessionToken(int claimsVersion, string role)
    {
        var organization = NewOrganization();
        var token = await platform.SessionTokenAsync(NewUser(), organization, role, claimsVersion);

        // The first request creates the organization's database from ORG_SCHEMA, as a user's first request creates theirs.
        var answer = await LibsqlAnswer.SendAsync(platform.Gateway, DatabaseOf(organization), token, Write, Count);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("1", answer.Scalar(1));
    }

    [Fact]
    public async Task TwoOrganizationsMembersNeverReachEachOthersDatabase()
    {
        var (acme, globex) = (NewOrganization(), NewOrganization());
        var acmeMember = await platform.SessionTokenAsync(NewUser(), acme, "org:admin");
        var globexMember = await platform.SessionTokenAsync(NewUser(), globex, "org:admin");
        var noOrganization = await platform.SessionTokenAsync(NewUser());
        Assert.Equal(HttpStatusCode.OK, (await LibsqlAnswer.SendAsync(platform.Gateway, DatabaseOf(acme), acmeMember, Write)).Status);
        Assert.Equal(HttpStatusCode.OK, (await LibsqlAnswer.SendAsync(platform.Gateway, DatabaseOf(globex), globexMember, Write)).Status);
        using var direct = platform.TenantService();

        Assert.Equal(HttpStatusCode.Forbidden, (await LibsqlAnswer.SendAsync(platform.Gateway, DatabaseOf(globex), acmeMember, Count)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await LibsqlAnswer.SendAsync(direct, DatabaseOf(globex), acmeMember, Count)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await LibsqlAnswer.SendAsync(platform.Gateway, DatabaseOf(acme), globexMember, Count)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await LibsqlAnswer.SendAsync(platform.Gateway, DatabaseOf(acme), noOrganization, Count)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await LibsqlAnswer.SendAsync(platform.Gateway, DatabaseOf(acme), null, Count)).Status);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ARoleOutsideTheWriteRolesReadsButCannotWrite(int claimsVersion)
    {
        var organization = NewOrganization();
        await LibsqlAnswer.SendAsync(platform.Gateway, DatabaseOf(organization), await platform.SessionTokenAsync(NewUser(), organization, "org:admin"), Write);
        var viewer = await platform.SessionTokenAsync(NewUser(), organization, "org:viewer", claimsVersion);

        var answer = await LibsqlAnswer.SendAsync(platform.Gateway, DatabaseOf(organization), viewer, Count, Write);

        Assert.Equal("1", answer.Scalar(0));
        Assert.Equal("SQLITE_READONLY", answer.ErrorOf(1)?["code"]?.GetValue<string>());
    }

    [Fact]
    public async Task ARoleAddedToTheWriteRolesSettingWrites()
    {
        var organization = NewOrganization();
        var editor = await platform.SessionTokenAsync(NewUser(), organization, "org:editor");

        var answer = await LibsqlAnswer.SendAsync(platform.Gateway, DatabaseOf(organization), editor, Write, Count);

        Assert.Equal("1", answer.Scalar(1));
    }

    [Fact]
    public async Task ARoleChangeTakesEffectWithTheNextToken()
    {
        var organization = NewOrganization();
        var user = NewUser();
        var asAdmin = await platform.SessionTokenAsync(user, organization, "org:admin");
        Assert.Null((await LibsqlAnswer.SendAsync(platform.Gateway, DatabaseOf(organization), asAdmin, Write)).ErrorOf(0));

        // Demoted: Clerk's next session token carries the new role.
        var asViewer = await platform.SessionTokenAsync(user, organization, "org:viewer");
        Assert.Equal("SQLITE_READONLY", (await LibsqlAnswer.SendAsync(platform.Gateway, DatabaseOf(organization), asViewer, Write)).ErrorOf(0)?["code"]?.GetValue<string>());

        // Promoted again.
        var asMember = await platform.SessionTokenAsync(user, organization, "org:member");
        Assert.Null((await LibsqlAnswer.SendAsync(platform.Gateway, DatabaseOf(organization), asMember, Write)).ErrorOf(0));
    }

    [Fact]
    public async Task AMemberKeepsTheirOwnDatabaseAndTodosBesideTheOrganizations()
    {
        var organization = NewOrganization();
        var user = NewUser();
        var token = await platform.SessionTokenAsync(user, organization, "org:member");

        var own = await LibsqlAnswer.SendAsync(platform.Gateway, TenantId.FromClerkId(user).Value, token, "SELECT count(*) FROM todos");
        var todos = await platform.Gateway.SendAsync(EndToEndTests.Post("/api/todos", token, new { description = "mine, not the organization's" }));

        Assert.Equal("0", own.Scalar(0));
        Assert.Equal(HttpStatusCode.Created, todos.StatusCode);
    }

    [Fact]
    public void TheGatewayRateLimitsTheOrganizationsDatabaseAsItsOwnTenant()
    {
        var organization = NewOrganization();
        var member = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim(TenantClaims.Database, TenantId.FromClerkId("user_a").Value),
            new Claim(TenantClaims.OrganizationDatabase, DatabaseOf(organization)),
        ], "test"));
        var context = new DefaultHttpContext { User = member };
        context.Request.RouteValues[TenantPolicies.DatabaseRouteValue] = DatabaseOf(organization);
        var ownRequest = new DefaultHttpContext { User = member };

        Assert.Equal(DatabaseOf(organization), TenantRateLimiting.PartitionKey(context));
        Assert.Equal(TenantId.FromClerkId("user_a").Value, TenantRateLimiting.PartitionKey(ownRequest));
    }

    private static string NewOrganization() => "org_" + Guid.NewGuid().ToString("N");

    private static string NewUser() => "user_" + Guid.NewGuid().ToString("N");

    private static string DatabaseOf(string organization) => TenantId.FromClerkId(organization).Value;
}

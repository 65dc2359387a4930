using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Playwright;
using Tenancy.Identity;
using static Microsoft.Playwright.Assertions;

namespace WebApp.Tests;

/// <summary>An end user in a real browser, through the gateway of the whole system.</summary>
[Collection(WebAppPlatformCollection.Name)]
public sealed partial class BrowserTests(WebAppPlatform platform)
{
    [Fact]
    public async Task AUserSignsInManagesTodosDownloadsTheirDataAndSignsOut()
    {
        await using var context = await platform.NewContextAsync();
        var page = await context.NewPageAsync();
        var requested = new List<string>();
        page.Request += (_, request) => requested.Add(new Uri(request.Url).AbsolutePath);

        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(SignInUrl());
        await page.GetByLabel("User id").FillAsync("user_flow");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/todos");
        Assert.Contains("/welcome", requested);
        await Expect(page.GetByText("No todos yet")).ToBeVisibleAsync();
        // Set once; a full page load would lose it, enhanced navigation keeps it.
        await page.EvaluateAsync("window.loadedOnce = true");

        await AddAsync(page, "buy milk");
        await AssertNotReloadedAsync(page, "Add");
        var milk = page.GetByRole(AriaRole.Checkbox, new() { Name = "buy milk" });
        await Expect(milk).Not.ToBeCheckedAsync();

        await milk.CheckAsync();
        await Expect(Item(page, "buy milk")).ToHaveClassAsync(DoneClass());
        Assert.Equal(["buy milk"], await platform.DescriptionsAsync("user_flow"));
        await AssertNotReloadedAsync(page, "Checking a todo");

        await Item(page, "buy milk").GetByText("Edit").ClickAsync();
        await Item(page, "buy milk").GetByLabel("Description").FillAsync("buy oat milk");
        await Item(page, "buy milk").GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "buy oat milk" })).ToBeCheckedAsync();
        await AssertNotReloadedAsync(page, "Editing a todo");

        await AddAsync(page, "call the plumber");
        await AddAsync(page, "water the plants");
        await Expect(page.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(3);
        Assert.Equal(["water the plants", "call the plumber", "buy oat milk"], await platform.DescriptionsAsync("user_flow"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "todos-page.png"), FullPage = true });

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download my data" }).ClickAsync());
        var dump = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains("buy oat milk", dump, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE", dump, StringComparison.Ordinal);
        await AssertNotReloadedAsync(page, "Download my data");

        await Item(page, "call the plumber").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);
        Assert.DoesNotContain("call the plumber", await platform.DescriptionsAsync("user_flow"));
        await AssertNotReloadedAsync(page, "Delete");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(SignInUrl());
        await page.GotoAsync("/todos");
        await Expect(page).ToHaveURLAsync(SignInUrl());
        Assert.DoesNotContain(await context.CookiesAsync(), cookie => cookie.Name == SessionCookie.Name);
    }

    [Fact]
    public async Task EverythingWorksWithoutJavaScript()
    {
        await using var context = await platform.Browser.NewContextAsync(new() { BaseURL = platform.Address.ToString(), JavaScriptEnabled = false });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/");
        await page.GetByLabel("User id").FillAsync("user_no_script");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue to my todos" }).ClickAsync();
        await AddAsync(page, "works without script");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "works without script" }).CheckAsync();
        await Item(page, "works without script").GetByRole(AriaRole.Button, new() { Name = "Save" }).First.ClickAsync();
        await Expect(Item(page, "works without script")).ToHaveClassAsync(DoneClass());

        await Item(page, "works without script").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(page.GetByText("No todos yet")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(SignInUrl());
    }

    [Fact]
    public async Task TheSessionCookieIsHttpOnlyLaxAndNoTokenIsInTheMarkup()
    {
        await using var context = await platform.NewContextAsync();
        var page = await platform.SignInAsync(context, "user_cookie_flags");

        var session = Assert.Single(await context.CookiesAsync(), cookie => cookie.Name == SessionCookie.Name);
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);
        Assert.DoesNotContain(session.Value, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadMoreShowsTodosPastTheFirstTwenty()
    {
        for (var i = 1; i <= 23; i++)
        {
            await platform.AddAsync("user_many", $"todo number {i}");
        }

        await using var context = await platform.NewContextAsync();
        var page = await platform.SignInAsync(context, "user_many");

        await Expect(page.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(20);
        await Expect(page.GetByRole(AriaRole.Listitem).First).ToContainTextAsync("todo number 23");
        await page.GetByRole(AriaRole.Link, new() { Name = "Load more" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(23);
        await Expect(page.GetByRole(AriaRole.Listitem).Last).ToContainTextAsync("todo number 1");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Load more" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task TwoUsersInTwoBrowsersSeeOnlyTheirOwnTodos()
    {
        await using var aliceContext = await platform.NewContextAsync();
        await using var bobContext = await platform.NewContextAsync();
        var alice = await platform.SignInAsync(aliceContext, "user_alice");
        var bob = await platform.SignInAsync(bobContext, "user_bob");

        await AddAsync(alice, "alice's secret");
        await AddAsync(bob, "bob's secret");
        await alice.ReloadAsync();

        await Expect(alice.GetByRole(AriaRole.Listitem)).ToHaveTextAsync([new Regex("alice's secret")]);
        await Expect(bob.GetByRole(AriaRole.Listitem)).ToHaveTextAsync([new Regex("bob's secret")]);
    }

    [Fact]
    public async Task MarkupInATodoIsShownAsText()
    {
        const string markup = "<b>bold</b><img src=x onerror=\"window.ran=1\"><script>window.ran=1</script>";
        await using var context = await platform.NewContextAsync();
        var page = await platform.SignInAsync(context, "user_markup");

        await AddAsync(page, markup);

        await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = markup })).ToBeVisibleAsync();
        await Expect(page.Locator("ul.todos b, ul.todos img, ul.todos script")).ToHaveCountAsync(0);
        Assert.False(await page.EvaluateAsync<bool>("window.ran === 1"));
    }

    [Fact]
    public async Task AForgedOrExpiredSessionCookieLeadsToSignIn()
    {
        var forged = TokenFor("user_forged", TestKey(), DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddHours(1));
        var expired = TokenFor("user_expired", platform.DevSigningKey(), DateTime.UtcNow.AddHours(-3), DateTime.UtcNow.AddHours(-2));
        await platform.AddAsync("user_forged", "should stay private");

        foreach (var token in (string[])[forged, expired])
        {
            await using var context = await platform.NewContextAsync();
            await context.AddCookiesAsync([new() { Name = SessionCookie.Name, Value = token, Url = platform.Address.ToString() }]);
            var page = await context.NewPageAsync();

            await page.GotoAsync("/todos");

            await Expect(page).ToHaveURLAsync(SignInUrl());
            Assert.DoesNotContain("should stay private", await page.ContentAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AFormPostedFromAnotherOriginIsRefused()
    {
        await using var context = await platform.NewContextAsync();
        var page = await platform.SignInAsync(context, "user_csrf");
        // Same site (localhost, so the Lax cookie is sent), another origin: only the app's own checks stop it.
        var evil = $"http://localhost:{Testing.LoopbackPort.Free()}/evil";
        await context.RouteAsync(evil, route => route.FulfillAsync(new()
        {
            ContentType = "text/html",
            Body = $"""
                <form method="post" action="{platform.Address}todos">
                  <input type="hidden" name="_handler" value="add"><input name="NewTodo" value="forged todo">
                  <button>Win a prize</button>
                </form>
                """,
        }));

        await page.GotoAsync(evil);
        await page.GetByRole(AriaRole.Button, new() { Name = "Win a prize" }).ClickAsync();
        await page.WaitForLoadStateAsync();

        Assert.DoesNotContain("forged todo", await platform.DescriptionsAsync("user_csrf"));
    }

    private static async Task AddAsync(IPage page, string description)
    {
        var before = await page.GetByRole(AriaRole.Listitem).CountAsync();
        await page.GetByLabel("New todo").FillAsync(description);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        try
        {
            await Expect(page.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(before + 1);
        }
        catch (PlaywrightException exception)
        {
            throw new InvalidOperationException($"'{description}' was not added; the page at {page.Url} shows: {await page.InnerTextAsync("main")}", exception);
        }
    }

    private static async Task AssertNotReloadedAsync(IPage page, string step) =>
        Assert.True(await page.EvaluateAsync<bool>("window.loadedOnce === true"), $"{step} reloaded the whole page; enhanced navigation should update it in place");

    private static ILocator Item(IPage page, string description) =>
        page.GetByRole(AriaRole.Listitem).Filter(new() { Has = page.GetByRole(AriaRole.Checkbox, new() { Name = description }) });

    private static string TokenFor(string userId, string signingKeyPem, DateTime notBefore, DateTime expires)
    {
        using var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportFromPem(signingKeyPem);
        var key = new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: true));
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = DevIssuer.Issuer,
            Subject = new ClaimsIdentity([new Claim("sub", userId)]),
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    // A key the platform never saw: a token signed with it is forged, however well-formed.
    private static string TestKey() => Testing.TestTokens.NewSigningKeyPem();

    [GeneratedRegex("/signin$")]
    private static partial Regex SignInUrl();

    [GeneratedRegex(@"\bdone\b")]
    private static partial Regex DoneClass();
}

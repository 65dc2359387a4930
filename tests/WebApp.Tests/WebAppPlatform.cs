using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Testing;

namespace WebApp.Tests;

/// <summary>
/// The whole system from the real AppHost, started once for every browser test, and one headless chromium
/// (Debian's <c>/usr/bin/chromium</c>, driven by Playwright; no browser is downloaded).
/// </summary>
public sealed class WebAppPlatform : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly PlatformFixture platform = new();
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The gateway, the only address a browser uses.</summary>
    public Uri Address => platform.Gateway.BaseAddress!;

    public HttpClient Gateway => platform.Gateway;

    public string DataDirectory => platform.DataDirectory;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"chromium is not installed at {Chromium}; the browser tests drive it: apt-get install chromium");
        }

        await platform.InitializeAsync();
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true });
    }

    /// <summary>A browser profile of its own: cookies are not shared with other contexts.</summary>
    public Task<IBrowserContext> NewContextAsync() =>
        Browser.NewContextAsync(new() { BaseURL = Address.ToString(), AcceptDownloads = true });

    /// <summary>Signs <paramref name="userId"/> in with the dev form and waits for the todos page.</summary>
    public async Task<IPage> SignInAsync(IBrowserContext context, string userId)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("User id").FillAsync(userId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/todos");
        return page;
    }

    /// <summary>A dev session token for <paramref name="userId"/>, for calling the API directly.</summary>
    public async Task<string> TokenAsync(string userId)
    {
        using var issued = await Gateway.PostAsJsonAsync("/dev/token", new { sub = userId });
        issued.EnsureSuccessStatusCode();
        return (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    /// <summary>The user's todo descriptions as the API returns them, newest first.</summary>
    public async Task<string[]> DescriptionsAsync(string userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/todos?limit=100");
        request.Headers.Authorization = new("Bearer", await TokenAsync(userId));
        using var response = await Gateway.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. body.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("description").GetString()!)];
    }

    public async Task AddAsync(string userId, string description)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/todos") { Content = JsonContent.Create(new { description }) };
        request.Headers.Authorization = new("Bearer", await TokenAsync(userId));
        using var response = await Gateway.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The dev signing key the AppHost generated, for making tokens the dev issuer would not.</summary>
    public string DevSigningKey() =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(DataDirectory, "secrets.json")))!["DEV_JWT_SIGNING_KEY"];

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        await platform.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class WebAppPlatformCollection : ICollectionFixture<WebAppPlatform>
{
    public const string Name = "web app platform";
}

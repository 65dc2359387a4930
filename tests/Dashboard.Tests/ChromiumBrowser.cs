using Microsoft.Playwright;

namespace Dashboard.Tests;

/// Debian's headless Chromium driven by Playwright; Playwright's own browser download is not available here.
internal static class ChromiumBrowser
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        // Never skip: a missing browser must fail the run and say what to install.
        Assert.True(File.Exists(ExecutablePath), $"{ExecutablePath} not found: the browser tests need Debian's Chromium; install it with `apt-get install -y chromium chromium-driver`.");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true, Args = Arguments });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }
}

using Microsoft.Playwright;

namespace Dashboard.Tests;

/// Each view of the dashboard, opened in headless Chromium while the whole system runs.
[Collection(DashboardCollection.Name)]
public sealed class DashboardBrowserTests(DashboardPlatformFixture platform) : IAsyncLifetime
{
    private static readonly PageWaitForSelectorOptions Patiently = new() { Timeout = 60_000 };

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private IPage? _page;

    private IPage Page => _page ?? throw new InvalidOperationException("The browser has not started.");

    public async Task InitializeAsync()
    {
        (_playwright, _browser) = await ChromiumBrowser.LaunchAsync();
        _page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    [Fact]
    public async Task TheResourcesViewShowsEveryResourceRunning()
    {
        await OpenAsync("#/resources");

        foreach (var name in new[] { "cache", "tenantservice", "todoservice", "gateway" })
        {
            var row = await Page.WaitForSelectorAsync($"tr[data-resource='{name}']:has(.badge:text-is('Running'))", Patiently);
            Assert.NotNull(row);
        }

        var gatewayLink = await Page.QuerySelectorAsync("tr[data-resource='gateway'] a[href^='http']");
        Assert.Equal(platform.App.GetEndpoint("gateway").ToString().TrimEnd('/'), await gatewayLink!.GetAttributeAsync("href"));
        await ScreenshotAsync("dashboard-resources.png");
    }

    [Fact]
    public async Task TheConsoleViewTailsAResourceAndSearchesIt()
    {
        await OpenAsync("#/console/gateway");

        await Page.WaitForFunctionAsync("() => document.querySelector('#console-output')?.textContent.includes('Now listening on')", null, new() { Timeout = 60_000 });
        await Page.FillAsync("#console-search", "Now listening on");
        await Page.WaitForFunctionAsync(
            "() => { const text = document.querySelector('#console-output').textContent; return text.length > 0 && text.split('\\n').every(line => line.includes('Now listening on')); }",
            null,
            new() { Timeout = 60_000 });
    }

    [Fact]
    public async Task TheTracesViewListsTheRequestAndShowsItsWaterfall()
    {
        var traced = await platform.TraceTodoRequestAsync();
        await OpenAsync("#/traces");

        await Page.FillAsync("#trace-tenant", traced.Tenant);
        await Page.WaitForSelectorAsync($"tr[data-trace-id='{traced.TraceId}'] td:has-text('todoservice')", Patiently);
        await ScreenshotAsync("dashboard-traces.png");
        await Page.Locator($"tr[data-trace-id='{traced.TraceId}']").ClickAsync();

        await Page.WaitForSelectorAsync("#waterfall [data-service='gateway']", Patiently);
        await Page.WaitForSelectorAsync("#waterfall [data-service='todoservice']", Patiently);
        await Page.Locator("#waterfall [data-service='todoservice']:has-text('INSERT')").ClickAsync();
        await Page.WaitForSelectorAsync("#waterfall .details td:text-is('db.system') + td:text-is('sqlite')", Patiently);
        await ScreenshotAsync("dashboard-trace.png");
    }

    [Fact]
    public async Task TheStructuredLogsViewFiltersByService()
    {
        await platform.TraceTodoRequestAsync();
        await OpenAsync("#/logs");

        await Page.WaitForSelectorAsync("#logs-table tbody tr", Patiently);
        await Page.SelectOptionAsync("#log-service", "todoservice");
        await Page.WaitForFunctionAsync(
            "() => { const rows = [...document.querySelectorAll('#logs-table tbody tr')]; return rows.length > 0 && rows.every(row => row.children[2].textContent === 'todoservice'); }",
            null,
            new() { Timeout = 60_000 });
    }

    [Fact]
    public async Task TheMetricsViewShowsInstrumentsWithTheirCurrentValue()
    {
        await platform.TraceTodoRequestAsync();
        await OpenAsync("#/metrics");

        var card = await Page.WaitForSelectorAsync("[data-metric='http.server.request.duration']", Patiently);
        Assert.Contains("Histogram", await card!.TextContentAsync());
        await Page.WaitForSelectorAsync("[data-metric='http.server.request.duration'] .value", Patiently);
    }

    private async Task OpenAsync(string route)
    {
        await Page.GotoAsync(new Uri(platform.Dashboard.LoopbackUrl, route).ToString());
        await Page.WaitForSelectorAsync("nav a.active", Patiently);
    }

    /// Screenshots for the docs, only when asked for: DASHBOARD_SCREENSHOTS=<folder>.
    private async Task ScreenshotAsync(string fileName)
    {
        if (Environment.GetEnvironmentVariable("DASHBOARD_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, fileName) });
        }
    }
}

using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Tenancy.Identity;
using Testing;

namespace Benchmarks;

/// <summary>
/// <c>page [--requests N] [--telemetry off]</c>: the whole system through the AppHost; the web app's todos page
/// (<c>/todos</c>) of a signed-in user with 20 todos, through the gateway. Warm, one request at a time: latency inside
/// the web app (its Server-Timing) and at the client. Then the page's weight as chromium loads it in a fresh profile:
/// every request it makes, the bytes on the wire, and whether any goes to another origin (dev mode: no Clerk script).
/// </summary>
internal static class PageBenchmark
{
    private const string Chromium = "/usr/bin/chromium";
    private const string UserId = "bench_page_user";
    private const int Todos = 20;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan QuietCpuPerSecond = TimeSpan.FromMilliseconds(50);

    public static async Task<int> RunAsync(int requests, bool telemetry)
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"The page benchmark loads the page in chromium: apt-get install chromium (expected at {Chromium}).");
        }

        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; telemetry {(telemetry ? "on" : "off")}");
        var platform = new BenchmarkPlatform(telemetry);
        await platform.InitializeAsync();
        try
        {
            var token = await platform.SignInAsync(UserId);
            for (var i = 0; i < Todos; i++)
            {
                using var create = BenchmarkPlatform.Authorized(HttpMethod.Post, "/api/todos", token);
                create.Content = JsonContent.Create(new { description = $"todo {i} of the page benchmark" });
                (await platform.Gateway.SendAsync(create)).EnsureSuccessStatusCode();
            }

            await MeasureLatencyAsync(platform.Gateway, token, requests, await platform.ProcessIdAsync("webapp"));
            return await MeasureWeightAsync(platform.Gateway.BaseAddress!, token);
        }
        finally
        {
            await platform.DisposeAsync();
        }
    }

    private static async Task MeasureLatencyAsync(HttpClient gateway, string token, int requests, int webappPid)
    {
        // Warm: tiered JIT has reached the page's optimized code and the web app's token and connection caches are full.
        await LoadPageAsync(gateway, token, checkItems: true);
        var warming = Stopwatch.StartNew();
        while (warming.Elapsed < WarmUp)
        {
            await LoadPageAsync(gateway, token, checkItems: false);
        }

        // Tiered JIT keeps compiling for seconds after the warm-up: warm means once the web app, asked for nothing, goes quiet.
        var settling = Stopwatch.StartNew();
        double idle;
        do
        {
            var idleBefore = ProcessCpu.Of(webappPid);
            await Task.Delay(TimeSpan.FromSeconds(1));
            idle = (ProcessCpu.Of(webappPid) - idleBefore).TotalMilliseconds;
        }
        while (idle > QuietCpuPerSecond.TotalMilliseconds && settling.Elapsed < TimeSpan.FromSeconds(30));

        Console.WriteLine($"the web app settled {settling.Elapsed.TotalSeconds:0} s after the warm-up (its CPU in the last idle second: {idle:0} ms)");
        Console.WriteLine($"load average before: {BenchmarkCommand.LoadAverage()}");
        var inside = new double[requests];
        var client = new double[requests];
        var cpuBefore = ProcessCpu.Of(webappPid);
        var measuring = Stopwatch.GetTimestamp();
        for (var i = 0; i < requests; i++)
        {
            (inside[i], client[i]) = await LoadPageAsync(gateway, token, checkItems: false);
        }

        var cpuPerPage = (ProcessCpu.Of(webappPid) - cpuBefore).TotalMicroseconds / requests;
        var elapsed = Stopwatch.GetElapsedTime(measuring);
        Console.WriteLine($"GET /todos, {Todos} todos, {requests} requests one at a time after a {WarmUp.TotalSeconds:0} s warm-up, through the gateway");
        Console.WriteLine($"  inside the web app (Server-Timing): {Percentiles.Summary(inside)}");
        Console.WriteLine($"  at the client:                      {Percentiles.Summary(client)}");
        Console.WriteLine($"  the web app's CPU per page: {cpuPerPage:0} µs ({requests} pages in {elapsed.TotalSeconds:0.0} s)");
        Console.WriteLine($"load average after: {BenchmarkCommand.LoadAverage()}");
    }

    private static async Task<(double Inside, double Client)> LoadPageAsync(HttpClient gateway, string token, bool checkItems)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/todos");
        request.Headers.Add("Cookie", $"{SessionCookie.Name}={token}");
        var started = Stopwatch.GetTimestamp();
        using var response = await gateway.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        response.EnsureSuccessStatusCode();
        var items = html.Split("<li class=\"todo").Length - 1;
        if (checkItems && items != Todos)
        {
            throw new InvalidOperationException($"/todos showed {items} todos, not {Todos}: the page measured is not the signed-in user's list.");
        }

        return (ServerTimingHeader.Milliseconds(response), elapsed);
    }

    // Playwright's sizes are what the network carried: headers plus the (compressed) body.
    private static async Task<int> MeasureWeightAsync(Uri gateway, string token)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true });
        await using var context = await browser.NewContextAsync();
        await context.AddCookiesAsync([new Cookie { Name = SessionCookie.Name, Value = token, Url = gateway.ToString() }]);
        var page = await context.NewPageAsync();
        var finished = new List<IRequest>();
        page.RequestFinished += (_, request) => finished.Add(request);
        await page.GotoAsync(new Uri(gateway, "/todos").ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });

        var origin = gateway.GetLeftPart(UriPartial.Authority);
        long total = 0;
        var foreign = 0;
        Console.WriteLine("page weight, a fresh chromium profile loading /todos (bytes on the wire: headers + body):");
        foreach (var request in finished.ToArray())
        {
            var sizes = await request.SizesAsync();
            var bytes = sizes.ResponseHeadersSize + sizes.ResponseBodySize;
            var encoding = await (await request.ResponseAsync())!.HeaderValueAsync("content-encoding") ?? "identity";
            total += bytes;
            var sameOrigin = new Uri(request.Url).GetLeftPart(UriPartial.Authority) == origin;
            foreign += sameOrigin ? 0 : 1;
            Console.WriteLine($"  {bytes,8:N0} B  (headers {sizes.ResponseHeadersSize,5:N0})  {request.ResourceType,-10} {encoding,-8} {(sameOrigin ? "" : "OTHER ORIGIN ")}{request.Url}");
        }

        Console.WriteLine($"  {total,8:N0} B  total, {finished.Count} requests, {foreign} to another origin");
        return foreign == 0 ? 0 : 1;
    }
}

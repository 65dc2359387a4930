namespace Benchmarks;

/// <summary>
/// <c>gateway [--users U] [--concurrency C] [--seconds S] [--telemetry on|off]</c>: the whole system through the
/// AppHost; <c>GET /api/me</c> through the gateway and straight to todoservice, same client, same run.
/// </summary>
internal static class GatewayBenchmark
{
    public static async Task<int> RunAsync(int users, int concurrency, TimeSpan duration, bool telemetry)
    {
        var platform = new BenchmarkPlatform(telemetry);
        await platform.InitializeAsync();
        try
        {
            var tokens = new List<string>(users);
            for (var i = 0; i < users; i++)
            {
                var token = await platform.SignInAsync($"bench_user_{i}");
                // The first signed-in request provisions the user's database.
                (await SendAsync(platform.Gateway, token)).Dispose();
                tokens.Add(token);
            }

            using var direct = new HttpClient { BaseAddress = platform.App.GetEndpoint("todoservice") };
            Console.WriteLine($"{users} users, {concurrency} concurrent, {duration.TotalSeconds:0} s per path, telemetry {(telemetry ? "on" : "off")}");
            await TimedLoad.CompareAsync(concurrency, TimeSpan.FromSeconds(2), duration,
                ("gateway", request => SendAsync(platform.Gateway, tokens[request % tokens.Count])),
                ("direct", request => SendAsync(direct, tokens[request % tokens.Count])));

            return 0;
        }
        finally
        {
            await platform.DisposeAsync();
        }
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string token) =>
        client.SendAsync(BenchmarkPlatform.Authorized(HttpMethod.Get, "/api/me", token));
}

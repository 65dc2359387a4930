using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace Benchmarks;

/// <summary>
/// The todo load: workers that each pick a tenant by Zipf rank and send, with that user's token, a list
/// (<c>GET /api/todos?limit=20</c>) or, for <paramref name="createShare"/> of requests, a create (<c>POST /api/todos</c>).
/// Every answer is timed at the client and inside the service (Server-Timing).
/// </summary>
internal sealed class TodoLoad(HttpClient client, string[] tokens, ZipfSampler tenants, double createShare)
{
    public const int PageSize = 20;

    private const int ErrorsShown = 3;
    private const int SeedAttempts = 3;

    private int _errorsShown;

    /// <summary>Runs <paramref name="concurrency"/> workers for <paramref name="duration"/>; <paramref name="seed"/> makes the tenant sequence repeatable.</summary>
    public async Task<LoadResult> RunAsync(int concurrency, TimeSpan duration, int seed)
    {
        var started = Stopwatch.GetTimestamp();
        var workers = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(HashCode.Combine(seed, worker));
            var (list, create) = (new OperationTimes(), new OperationTimes());
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                var isCreate = random.NextDouble() < createShare;
                await SendAsync(tenants.Next(random), isCreate, isCreate ? create : list);
            }

            return (List: list, Create: create);
        })));
        return new LoadResult(
            OperationTimes.Merge(workers.Select(worker => worker.List)),
            OperationTimes.Merge(workers.Select(worker => worker.Create)),
            Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Gives ranks 0..<paramref name="tenantCount"/>-1 <paramref name="todosEach"/> todos each, so hot tenants list full pages.</summary>
    public async Task SeedAsync(int tenantCount, int todosEach, int concurrency)
    {
        var next = -1;
        var results = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var times = new OperationTimes();
            int index;
            while ((index = Interlocked.Increment(ref next)) < tenantCount * todosEach)
            {
                // Seeding is not measured: a failed create is sent again (3 tries), as a client does after a 503 that wrote nothing.
                for (var attempt = 1; ; attempt++)
                {
                    var failedBefore = times.Errors;
                    await SendAsync(index % tenantCount, create: true, times);
                    if (times.Errors == failedBefore || attempt == SeedAttempts)
                    {
                        break;
                    }

                    times.Errors = failedBefore;
                    await Task.Delay(TimeSpan.FromSeconds(1));
                }
            }

            return times;
        })));
        if (OperationTimes.Merge(results).Errors is > 0 and var errors)
        {
            throw new InvalidOperationException($"{errors} of the seeding creates failed.");
        }
    }

    private async Task SendAsync(int rank, bool create, OperationTimes times)
    {
        using var request = create
            ? new HttpRequestMessage(HttpMethod.Post, "/api/todos") { Content = new StringContent($"{{\"description\":\"benchmark todo of tenant {rank}\"}}", Encoding.UTF8, "application/json") }
            : new HttpRequestMessage(HttpMethod.Get, $"/api/todos?limit={PageSize}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[rank]);
        var sent = Stopwatch.GetTimestamp();
        // The body is read before this returns, so the client time includes receiving the whole page.
        using var response = await client.SendAsync(request);
        var clientMs = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            times.Errors++;
            if (Interlocked.Increment(ref _errorsShown) <= ErrorsShown)
            {
                Console.WriteLine($"  {request.Method} {request.RequestUri} for tenant rank {rank}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            return;
        }

        times.Client.Add(clientMs);
        times.Server.Add(ServerTimingHeader.Milliseconds(response));
    }
}

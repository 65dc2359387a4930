using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AppHost.Dashboard;

namespace Dashboard.Tests;

/// The whole system with its dashboard on free ports, and one todo request traced through it.
public sealed class DashboardPlatformFixture : PlatformFixture
{
    private static readonly TimeSpan TelemetryWait = TimeSpan.FromSeconds(60);

    private readonly Lazy<Task<TracedRequest>> _traced;

    public DashboardPlatformFixture() => _traced = new(SendTracedTodoAsync);

    protected override IEnumerable<string> Arguments =>
        ["--DASHBOARD_PORT=0", "--DASHBOARD_OTLP_GRPC_PORT=0", "--DASHBOARD_OTLP_HTTP_PORT=0"];

    internal DashboardHost Dashboard => App.Dashboard ?? throw new InvalidOperationException("The AppHost started without its dashboard.");

    /// `POST /api/todos` through the gateway with a traceparent we chose, so its trace id is known; sent once per fixture.
    public Task<TracedRequest> TraceTodoRequestAsync() => _traced.Value;

    /// Polls the dashboard API until <paramref name="ready"/> holds for the answer; fails with the last answer after a minute.
    public async Task<JsonElement> PollAsync(string path, Func<JsonElement, bool> ready)
    {
        var deadline = DateTime.UtcNow + TelemetryWait;
        using var client = new HttpClient { BaseAddress = Dashboard.LoopbackUrl, Timeout = TimeSpan.FromSeconds(30) };
        while (true)
        {
            using var response = await client.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
            {
                var json = JsonDocument.Parse(body).RootElement.Clone();
                if (ready(json))
                {
                    return json;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"GET {path} did not show the expected telemetry within {TelemetryWait.TotalSeconds:0} s; last answer: {(int)response.StatusCode} {body}");
            await Task.Delay(500);
        }
    }

    private async Task<TracedRequest> SendTracedTodoAsync()
    {
        using var tokenResponse = await Gateway.PostAsJsonAsync("/dev/token", new { sub = "user_dashboard_e2e" });
        tokenResponse.EnsureSuccessStatusCode();
        var token = await tokenResponse.Content.ReadFromJsonAsync<JsonElement>();

        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/todos") { Content = JsonContent.Create(new { description = "traced through the dashboard" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("token").GetString());
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await Gateway.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"POST /api/todos answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return new TracedRequest(traceId, token.GetProperty("database").GetString()!);
    }
}

/// A request sent through the gateway: its trace id and the tenant (database) it acted on.
public sealed record TracedRequest(string TraceId, string Tenant);

using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AppHost.Tests;

/// <summary>
/// The Aspire dashboard's telemetry HTTP API (<c>/api/telemetry/spans</c>, <c>/api/telemetry/traces/{id}</c>), authenticated
/// with the API key the AppHost gave the dashboard (<c>AppHost:DashboardApiKey</c>), as a developer's tools would read it.
/// </summary>
internal sealed class DashboardTelemetry(HttpClient client) : IDisposable
{
    public static async Task<DashboardTelemetry> ConnectAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        // The login URL (with its browser token) of the dashboard's proxied endpoint; the API lives on the same origin.
        var dashboard = await app.GetDashboardUrlAsync(cancellationToken);
        var client = new HttpClient { BaseAddress = new Uri(dashboard.GetLeftPart(UriPartial.Authority)), Timeout = TimeSpan.FromSeconds(30) };
        if (app.Services.GetRequiredService<IConfiguration>()["AppHost:DashboardApiKey"] is { Length: > 0 } apiKey)
        {
            client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        }

        return new DashboardTelemetry(client);
    }

    public Task<IReadOnlyList<TelemetrySpan>> SpansAsync() => GetAsync("api/telemetry/spans?limit=100000");

    public Task<IReadOnlyList<TelemetrySpan>> TraceAsync(string traceId) => GetAsync($"api/telemetry/traces/{traceId}");

    /// <summary>Polls the spans until <paramref name="complete"/> holds (services export in batches, every few seconds).</summary>
    public async Task<IReadOnlyList<TelemetrySpan>> WaitForSpansAsync(Func<IReadOnlyList<TelemetrySpan>, bool> complete, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var spans = await SpansAsync();
            if (complete(spans))
            {
                return spans;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The dashboard had no {what} within {within.TotalSeconds:0} s; it had {spans.Count} spans from {string.Join(", ", spans.Select(span => span.Service).Distinct())}.");
            }

            await Task.Delay(500);
        }
    }

    private async Task<IReadOnlyList<TelemetrySpan>> GetAsync(string path)
    {
        using var response = await client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path} on the dashboard: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return Spans(body.GetProperty("data")).ToArray();
    }

    private static IEnumerable<TelemetrySpan> Spans(JsonElement data)
    {
        foreach (var resourceSpans in Array(data, "resourceSpans"))
        {
            var resource = resourceSpans.TryGetProperty("resource", out var r) ? Attributes(r) : new Dictionary<string, string>();
            var service = resource.GetValueOrDefault("service.name") ?? "";
            foreach (var scopeSpans in Array(resourceSpans, "scopeSpans"))
            {
                var scope = scopeSpans.TryGetProperty("scope", out var s) && s.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "";
                foreach (var span in Array(scopeSpans, "spans"))
                {
                    var parent = span.TryGetProperty("parentSpanId", out var p) && p.GetString() is { Length: > 0 } parentId ? parentId : null;
                    yield return new TelemetrySpan(
                        service,
                        scope,
                        span.GetProperty("name").GetString() ?? "",
                        span.GetProperty("traceId").GetString() ?? "",
                        span.GetProperty("spanId").GetString() ?? "",
                        parent,
                        span.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.Number ? kind.GetInt32() : 0,
                        Attributes(span));
                }
            }
        }
    }

    private static IEnumerable<JsonElement> Array(JsonElement element, string property) =>
        element.TryGetProperty(property, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];

    // OTLP JSON: [{"key": "db.system", "value": {"stringValue": "sqlite"}}, ...]; other value kinds keep their JSON text.
    private static Dictionary<string, string> Attributes(JsonElement owner)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var attribute in Array(owner, "attributes"))
        {
            var value = attribute.GetProperty("value").EnumerateObject().FirstOrDefault().Value;
            attributes[attribute.GetProperty("key").GetString() ?? ""] = value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText();
        }

        return attributes;
    }

    public void Dispose() => client.Dispose();
}

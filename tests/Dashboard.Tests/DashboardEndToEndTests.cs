using System.Text.Json;

namespace Dashboard.Tests;

/// The services export to the AppHost's receiver, and the dashboard API shows what happened.
[Collection(DashboardCollection.Name)]
public sealed class DashboardEndToEndTests(DashboardPlatformFixture platform)
{
    [Fact]
    public async Task ATodoRequestIsOneTraceFromGatewayThroughTodoServiceToItsDatabase()
    {
        var traced = await platform.TraceTodoRequestAsync();

        var trace = await platform.PollAsync($"/api/traces/{traced.TraceId}", json =>
            Spans(json).Any(span => Attribute(span, "db.system") == "sqlite")
            && Spans(json).Any(span => Service(span) == "gateway" && Kind(span) == "Server"));

        var spans = Spans(trace).ToArray();
        var gatewayServer = Assert.Single(spans, span => Service(span) == "gateway" && Kind(span) == "Server" && span.GetProperty("name").GetString()!.StartsWith("POST", StringComparison.Ordinal));
        var todoServer = Assert.Single(spans, span => Service(span) == "todoservice" && Kind(span) == "Server");
        var database = spans.First(span => Attribute(span, "db.system") == "sqlite");
        Assert.Equal("todoservice", Service(database));
        Assert.Equal(traced.Tenant, Attribute(todoServer, "tenant.id"));

        // The todo service's span hangs under the gateway's: YARP forwarded the W3C traceparent.
        var parentOfTodo = spans.Single(span => span.GetProperty("spanId").GetString() == todoServer.GetProperty("parentSpanId").GetString());
        Assert.Equal("gateway", Service(parentOfTodo));
        Assert.True(todoServer.GetProperty("depth").GetInt32() > gatewayServer.GetProperty("depth").GetInt32());
        Assert.Contains(traced.Tenant, trace.GetProperty("summary").GetProperty("tenants").EnumerateArray().Select(tenant => tenant.GetString()));

        var byTenant = await platform.PollAsync($"/api/traces?tenant={traced.Tenant}&service=todoservice", json =>
            json.EnumerateArray().Any(row => row.GetProperty("traceId").GetString() == traced.TraceId));
        Assert.All(byTenant.EnumerateArray(), row => Assert.Contains(traced.Tenant, row.GetProperty("tenants").EnumerateArray().Select(tenant => tenant.GetString())));
    }

    [Fact]
    public async Task ResourcesAreListedLiveWithTheirConsoleOutput()
    {
        var resources = await platform.PollAsync("/api/resources", json =>
            json.GetArrayLength() == 4 && json.EnumerateArray().All(resource => resource.GetProperty("state").GetString() == "Running"));

        Assert.Equal(["cache", "gateway", "tenantservice", "todoservice"], resources.EnumerateArray().Select(resource => resource.GetProperty("name").GetString()).Order());
        var gateway = resources.EnumerateArray().Single(resource => resource.GetProperty("name").GetString() == "gateway");
        Assert.Equal(platform.App.GetEndpoint("gateway").ToString().TrimEnd('/'), gateway.GetProperty("endpoints")[0].GetString());
        Assert.True(gateway.GetProperty("processId").GetInt32() > 0);

        var console = await platform.PollAsync("/api/console/gateway", json => json.GetProperty("lines").GetArrayLength() > 0);
        Assert.Equal("gateway", console.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task StructuredLogsAndMetricsArriveFromEveryService()
    {
        await platform.TraceTodoRequestAsync();

        var logs = await platform.PollAsync("/api/logs?service=gateway", json => json.GetArrayLength() > 0);
        Assert.All(logs.EnumerateArray(), log => Assert.Equal("gateway", log.GetProperty("source").GetProperty("service").GetString()));

        var metrics = await platform.PollAsync("/api/metrics?service=todoservice", json =>
            json.EnumerateArray().Any(metric => metric.GetProperty("name").GetString() == "http.server.request.duration"));
        var duration = metrics.EnumerateArray().First(metric => metric.GetProperty("name").GetString() == "http.server.request.duration");
        Assert.Equal("Histogram", duration.GetProperty("kind").GetString());
        Assert.True(duration.GetProperty("count").GetInt64() > 0);
    }

    private static IEnumerable<JsonElement> Spans(JsonElement trace) => trace.GetProperty("spans").EnumerateArray();

    private static string? Service(JsonElement span) => span.GetProperty("service").GetString();

    private static string? Kind(JsonElement span) => span.GetProperty("kind").GetString();

    private static string? Attribute(JsonElement span, string key) =>
        span.GetProperty("attributes").EnumerateArray()
            .Where(attribute => attribute.GetProperty("key").GetString() == key)
            .Select(attribute => attribute.GetProperty("value").GetString())
            .FirstOrDefault();
}

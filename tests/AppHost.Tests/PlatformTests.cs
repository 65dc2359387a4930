using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AppHost.Secrets;
using Microsoft.Extensions.DependencyInjection;

namespace AppHost.Tests;

[Collection(WholeSystem.Name)]
public sealed class PlatformTests(DashboardPlatformFixture platform) : IClassFixture<DashboardPlatformFixture>
{
    private static readonly string[] SecretNames = ["CLERK_WEBHOOK_SECRET", "DATABASE_TOKEN_SIGNING_KEY", "DEV_JWT_SIGNING_KEY", "PLATFORM_API_TOKEN"];

    [Fact]
    public async Task AUsersTodoGoesThroughTheGatewayIntoTheirOwnDatabaseAndBack()
    {
        var user = await PlatformUser.SignInAsync(platform.Gateway);

        using var created = await user.AddTodoAsync("buy milk");
        using var listed = await user.ListTodosAsync();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var todo = Assert.Single((await listed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray());
        Assert.Equal("buy milk", todo.GetProperty("description").GetString());
        Assert.True(File.Exists(Path.Combine(platform.DataDirectory, "databases", user.Database[..2], user.Database + ".db")), $"no database file for {user.Database}");
    }

    [Fact]
    public async Task TheDashboardShowsOneTraceFromTheGatewayThroughTodoserviceToTheSqliteCommand()
    {
        var user = await PlatformUser.SignInAsync(platform.Gateway);
        using var created = await user.AddTodoAsync("traced");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var dashboard = await DashboardTelemetry.ConnectAsync(platform.App, CancellationToken.None);

        // The INSERT into this user's database, as Tenancy traces each command on a tenant database.
        bool IsTheInsert(TelemetrySpan span) => span.Attribute("db.namespace") == user.Database && span.Name.StartsWith("INSERT ", StringComparison.Ordinal);
        var spans = await dashboard.WaitForSpansAsync(all => all.Any(IsTheInsert), TimeSpan.FromSeconds(60), $"INSERT span on {user.Database}");
        var insert = spans.Single(IsTheInsert);
        // Each service exports its spans in batches of its own: wait until the trace reaches its root, or give up and show it.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var (trace, chain) = await ChainUpFromAsync(dashboard, insert);
        while (chain[^1].ParentSpanId is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            (trace, chain) = await ChainUpFromAsync(dashboard, insert);
        }

        var described = $"the chain from the INSERT up:{Environment.NewLine}{string.Join(Environment.NewLine, chain)}{Environment.NewLine}the whole trace:{Environment.NewLine}{string.Join(Environment.NewLine, trace)}";
        Assert.True(insert.Attribute("db.system") == "sqlite", described);
        Assert.True(chain[^1].ParentSpanId is null, $"the trace does not go up to its root; {described}");
        // Internal spans may come and go; the hops between processes are what the trace must show.
        string[] hops = ["todoservice client", "todoservice server", "gateway client", "gateway server"];
        Assert.True(
            hops.SequenceEqual(chain.Where(span => span.Kind is TelemetrySpan.ServerKind or TelemetrySpan.ClientKind).Select(span => $"{span.Service} {(span.Kind == TelemetrySpan.ServerKind ? "server" : "client")}")),
            $"expected {string.Join(" <- ", hops)}; {described}");
    }

    [Fact]
    public async Task TheServicesAreGivenTheirSettingsTheAspireWay()
    {
        var gateway = await platform.App.ProcessEnvironmentAsync("gateway");

        Assert.Equal(await platform.App.GetConnectionStringAsync("cache"), gateway["ConnectionStrings__cache"]);
        Assert.Equal(platform.App.GetEndpoint("tenantservice", "http"), new Uri(gateway["services__tenantservice__http__0"]));
        Assert.Equal(platform.App.GetEndpoint("todoservice", "http"), new Uri(gateway["services__todoservice__http__0"]));
        Assert.Equal(platform.Gateway.BaseAddress, new Uri(gateway["ASPNETCORE_URLS"]));
        Assert.Equal("Development", gateway["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal("gateway", gateway["OTEL_SERVICE_NAME"]);
        Assert.StartsWith("service.instance.id=", gateway["OTEL_RESOURCE_ATTRIBUTES"], StringComparison.Ordinal);
        Assert.StartsWith("http://localhost:", gateway["OTEL_EXPORTER_OTLP_ENDPOINT"], StringComparison.Ordinal);
        Assert.Equal("grpc", gateway["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.StartsWith("x-otlp-api-key=", gateway["OTEL_EXPORTER_OTLP_HEADERS"], StringComparison.Ordinal);
        Assert.Equal(platform.DataDirectory, gateway["DATA_DIR"]);
        Assert.Equal("local", gateway["PLATFORM_ORG"]);
        Assert.Equal("50", gateway["TENANT_RATE_LIMIT"]);
        Assert.False(gateway.ContainsKey("CLERK_ISSUER"));
    }

    [Fact]
    public async Task WithoutStorageNodeNothingMoreStartsAndNoServiceIsGivenAStorageBackend()
    {
        var resources = platform.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Select(resource => resource.Name).ToArray();

        Assert.Equal(["tenantservice", "todoservice", "gateway", "webapp"], platform.Services.Select(service => service.Name));
        Assert.DoesNotContain(resources, name => name.StartsWith("storage", StringComparison.Ordinal));
        Assert.False(Directory.Exists(platform.DataDirectory + "-storage"), "a storage node's data folder was made");
        foreach (var service in (string[])["tenantservice", "todoservice", "gateway", "webapp"])
        {
            var environment = await platform.App.ProcessEnvironmentAsync(service);
            Assert.DoesNotContain(environment.Keys, key => key.StartsWith("STORAGE_", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task ADatabasesHostnameNamesTheGatewayUsersReallyReach()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/organizations/local/databases/todos-schema");
        request.Headers.Authorization = new("Bearer", platform.PlatformApiToken);

        using var response = await platform.Gateway.SendAsync(request);
        var database = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("database");

        // The fixture's gateway listens on a free port, not 8080: a client following Hostname must land on it.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"localhost:{platform.Gateway.BaseAddress!.Port}/db/todos-schema", database.GetProperty("Hostname").GetString());
    }

    [Theory]
    [InlineData("tenantservice")]
    [InlineData("todoservice")]
    [InlineData("gateway")]
    public async Task TheSecretsAServiceIsGivenAreTheOnesKeptInTheDataDirectory(string service)
    {
        var kept = KeptSecrets();

        var environment = await platform.App.ProcessEnvironmentAsync(service);

        Assert.Equal(SecretNames, kept.Keys.Order());
        // Compared without printing the values.
        Assert.All(SecretNames, name => Assert.True(environment.GetValueOrDefault(name) == kept[name], $"{service}'s {name} is not the one in secrets.json"));
    }

    [Fact]
    public async Task ASecondStartWithTheSameDataDirectoryReusesTheKeptSecrets()
    {
        var file = Path.Combine(platform.DataDirectory, "secrets.json");
        var before = await File.ReadAllTextAsync(file);
        var kept = KeptSecrets();

        // The AppHost's own wiring on a second builder over the same data directory, not started: the system of this class runs
        // on it. The secret parameters resolve their values as a start does (the test above shows the services get those).
        var second = DistributedApplication.CreateBuilder([$"--DATA_DIR={platform.DataDirectory}"]);
        second.AddDevSecrets();
        var values = new Dictionary<string, string?>();
        foreach (var parameter in second.Resources.OfType<ParameterResource>().Where(parameter => parameter.Secret))
        {
            values[parameter.Name] = await parameter.GetValueAsync(CancellationToken.None);
        }

        Assert.Equal(["clerk-webhook-secret", "database-token-signing-key", "dev-jwt-signing-key", "platform-api-token"], values.Keys.Order());
        Assert.All(SecretNames, name => Assert.True(values[name.ToLowerInvariant().Replace('_', '-')] == kept[name], $"the second start's {name} is not the kept one"));
        Assert.Equal(before, await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task AServiceThatCrashesIsShownAsStoppedAndTheRestKeepsRunning()
    {
        var notifications = platform.App.ResourceNotifications;
        var pid = await platform.App.ProcessIdAsync("todoservice");

        using (var process = Process.GetProcessById(pid))
        {
            process.Kill(); // SIGKILL: a crash, no shutdown code runs.
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var stopped = await notifications.WaitForResourceAsync(
                "todoservice", update => KnownResourceStates.TerminalStates.Contains(update.Snapshot.State?.Text), patience.Token);
            Assert.NotEqual(0, stopped.Snapshot.ExitCode);

            using var health = await platform.Gateway.GetAsync("/health");
            using var databases = await PlatformApiAsync("/v1/organizations/local/databases");

            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal(HttpStatusCode.OK, databases.StatusCode);
            Assert.All(["cache", "tenantservice", "gateway"], name => Assert.Equal(KnownResourceStates.Running, State(name)));
            Assert.True(
                await Eventually.TrueAsync(() => platform.Logs.Lines.Any(line => line.Contains("todoservice stopped (", StringComparison.Ordinal)), TimeSpan.FromSeconds(10)),
                $"the AppHost did not report todoservice stopped ({stopped.Snapshot.State?.Text}, exit code {stopped.Snapshot.ExitCode}); it logged:{Environment.NewLine}{string.Join(Environment.NewLine, platform.Logs.Lines)}");
        }
        finally
        {
            // Started again as the dashboard's Start button does, so the other tests of this class find it running.
            var todoservice = platform.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(resource => resource.Name == "todoservice");
            var started = await platform.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(todoservice, KnownResourceCommands.StartCommand, patience.Token);
            Assert.True(started.Success, started.Message);
            await notifications.WaitForResourceHealthyAsync("todoservice", WaitBehavior.WaitOnResourceUnavailable, patience.Token);
        }
    }

    /// The trace a span belongs to, and the span's ancestors in it: itself, its parent, ... up to the root or a parent not (yet) there.
    private static async Task<(IReadOnlyList<TelemetrySpan> Trace, List<TelemetrySpan> Chain)> ChainUpFromAsync(DashboardTelemetry dashboard, TelemetrySpan span)
    {
        var trace = await dashboard.TraceAsync(span.TraceId);
        var byId = trace.ToDictionary(member => member.SpanId);
        var chain = new List<TelemetrySpan> { span };
        while (chain[^1].ParentSpanId is { } parent && byId.TryGetValue(parent, out var next))
        {
            chain.Add(next);
        }

        return (trace, chain);
    }

    private string? State(string resource) =>
        platform.App.ResourceNotifications.TryGetCurrentState(resource, out var current) ? current.Snapshot.State?.Text : null;

    private Dictionary<string, string> KeptSecrets() =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(platform.DataDirectory, "secrets.json")))!;

    private async Task<HttpResponseMessage> PlatformApiAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", platform.PlatformApiToken);
        return await platform.Gateway.SendAsync(request);
    }
}

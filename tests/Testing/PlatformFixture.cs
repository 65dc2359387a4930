using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Testing;

/// <summary>
/// The whole system booted from the real AppHost with Aspire's testing builder, in a temporary DATA_DIR with a free
/// gateway port; ready once every service is healthy. Derive and override <see cref="Arguments"/> for more settings
/// (replicas, Clerk, ...) and <see cref="Dashboard"/> to run Aspire's dashboard too.
/// </summary>
public class PlatformFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private DistributedApplication? _app;
    private HttpClient? _gateway;
    private Dictionary<string, string>? _secrets;

    /// <summary>The temporary data directory, deleted on dispose.</summary>
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("platform-").FullName;

    /// <summary>The running app: resources, their endpoints, logs and notifications.</summary>
    public DistributedApplication App => _app ?? throw new InvalidOperationException("PlatformFixture is not initialized.");

    /// <summary>A client whose BaseAddress is the gateway.</summary>
    public HttpClient Gateway => _gateway ?? throw new InvalidOperationException("PlatformFixture is not initialized.");

    /// <summary>The PLATFORM_API_TOKEN the services were given.</summary>
    public string PlatformApiToken => Secret("PLATFORM_API_TOKEN");

    /// <summary>The CLERK_WEBHOOK_SECRET the services were given.</summary>
    public string WebhookSecret => Secret("CLERK_WEBHOOK_SECRET");

    /// <summary>Every service resource, in the AppHost's order.</summary>
    public IReadOnlyList<IResourceWithServiceDiscovery> Services => App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<IResourceWithServiceDiscovery>().ToArray();

    /// <summary>Extra AppHost arguments such as <c>--TODOSERVICE_REPLICAS=2</c>; later ones win.</summary>
    protected virtual IEnumerable<string> Arguments => [];

    /// <summary>Whether Aspire's dashboard runs, receiving the services' telemetry (off in tests unless asked for).</summary>
    protected virtual bool Dashboard => false;

    public async Task InitializeAsync()
    {
        // Test projects run side by side on 2 cores: Aspire's 25 s check of its orchestrator (dcp info) once timed out under that load.
        string[] args = [$"--DATA_DIR={DataDirectory}", "--GATEWAY_PORT=0", "--DASHBOARD_PORT=0", "--DASHBOARD_OTLP_GRPC_PORT=0", "--DASHBOARD_OTLP_HTTP_PORT=0",
            "--DcpPublisher:DependencyCheckTimeout=120", .. Arguments];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>(args, (options, _) => options.DisableDashboard = !Dashboard);
        Configure(builder);
        _app = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await _app.StartAsync(timeout.Token);
        var notifications = _app.Services.GetRequiredService<ResourceNotificationService>();
        await Task.WhenAll(Services.Select(service => notifications.WaitForResourceHealthyAsync(service.Name, timeout.Token)));
        _gateway = new HttpClient { BaseAddress = _app.GetEndpoint("gateway", "http"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>
    /// A platform API call through the gateway with <see cref="PlatformApiToken"/>; <paramref name="path"/> is under
    /// <c>/v1/organizations/local</c> (<c>/databases/...</c>), <paramref name="body"/> is sent as JSON.
    /// </summary>
    public async Task<HttpResponseMessage> PlatformAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, "/v1/organizations/local" + path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PlatformApiToken);
        return await Gateway.SendAsync(request);
    }

    /// <summary>Changes the app model before it is built (for example, the services' environment).</summary>
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    private string Secret(string name)
    {
        _secrets ??= JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(DataDirectory, "secrets.json")))!;
        return _secrets[name];
    }

    public virtual async Task DisposeAsync()
    {
        _gateway?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A service may still be closing a file; the temp folder is cleaned up by the OS eventually.
        }
    }
}

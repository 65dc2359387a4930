using AppHost.Hosting;
using Xunit;

namespace Testing;

/// <summary>
/// The whole system booted through the AppHost's own code path, in a temporary DATA_DIR with a free
/// gateway port. Derive and override <see cref="Arguments"/> for more settings (replicas, Clerk, ...).
/// </summary>
public class PlatformFixture : IAsyncLifetime
{
    private DistributedApplication? _app;
    private HttpClient? _gateway;

    /// <summary>The temporary data directory, deleted on dispose.</summary>
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("platform-").FullName;

    /// <summary>The running app: resource snapshots, logs, endpoints, settings.</summary>
    public DistributedApplication App => _app ?? throw new InvalidOperationException("PlatformFixture is not initialized.");

    /// <summary>A client whose BaseAddress is the gateway.</summary>
    public HttpClient Gateway => _gateway ?? throw new InvalidOperationException("PlatformFixture is not initialized.");

    /// <summary>The PLATFORM_API_TOKEN the services were given.</summary>
    public string PlatformApiToken => App.Settings["PLATFORM_API_TOKEN"];

    /// <summary>The CLERK_WEBHOOK_SECRET the services were given.</summary>
    public string WebhookSecret => App.Settings["CLERK_WEBHOOK_SECRET"];

    /// <summary>Every resource instance as it is now.</summary>
    public IReadOnlyList<ResourceSnapshot> Resources => App.GetResources();

    /// <summary>Extra AppHost arguments such as <c>--TODOSERVICE_REPLICAS=2</c>; later ones win.</summary>
    protected virtual IEnumerable<string> Arguments => [];

    public async Task InitializeAsync()
    {
        string[] args = [$"--DATA_DIR={DataDirectory}", "--GATEWAY_PORT=0", "--DASHBOARD_PORT=0", "--DASHBOARD_OTLP_GRPC_PORT=0", "--DASHBOARD_OTLP_HTTP_PORT=0", .. Arguments];
        _app = await DistributedApplicationTestingBuilder.StartAsync<Program>(args);
        _gateway = new HttpClient { BaseAddress = _app.GetEndpoint("gateway"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _gateway?.Dispose();
        if (_app is not null)
        {
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

using System.Diagnostics;
using System.Runtime.InteropServices;
using AppHost.Dashboard;

namespace AppHost.Hosting;

/// The running app: starts every resource in dependency order, supervises them, stops them all.
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly IReadOnlyList<Resource> _resources;
    private readonly Lock _gate = new();
    private DateTimeOffset _startedAt;
    private Supervisor? _supervisor;
    private DashboardHost? _dashboard;
    private HostContext? _context;
    private Task? _stopping;

    internal DistributedApplication(IConfiguration configuration, IReadOnlyList<Resource> resources, DateTimeOffset createdAt)
    {
        Configuration = configuration;
        _resources = resources;
        _startedAt = createdAt;
    }

    /// Test seam: when set, Run() hands the app over instead of blocking (see Testing.DistributedApplicationTestingBuilder).
    internal static AsyncLocal<Action<DistributedApplication>?> RunInterceptor { get; } = new();

    public IConfiguration Configuration { get; }

    /// The settings handed to every project, dev secrets included (PLATFORM_API_TOKEN, ...).
    public IReadOnlyDictionary<string, string> Settings { get; private set; } = new Dictionary<string, string>();

    public string DataDirectory => _context?.DataDirectory ?? PlatformSettings.ResolveDataDirectory(Configuration);

    public string SecretsPath => Path.Combine(DataDirectory, DevSecretStore.FileName);

    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(args);

    public void Run()
    {
        if (RunInterceptor.Value is { } intercept)
        {
            intercept(this);
            return;
        }

        using (var current = Process.GetCurrentProcess())
        {
            _startedAt = current.StartTime.ToUniversalTime();
        }

        Environment.ExitCode = RunAsync().GetAwaiter().GetResult();
    }

    /// Runs until Ctrl+C or SIGTERM; returns the process exit code (non-zero when startup failed).
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            shutdown.Cancel();
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try
        {
            await StartAsync(shutdown.Token).ConfigureAwait(false);
            await Task.Delay(Timeout.Infinite, shutdown.Token).ConfigureAwait(false);
        }
        catch (DistributedApplicationException ex)
        {
            await Console.Error.WriteLineAsync($"[apphost] {ex.Message}").ConfigureAwait(false);
            await StopAsync().ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            Console.WriteLine("[apphost] stopping");
        }

        await StopAsync().ConfigureAwait(false);
        return 0;
    }

    /// Starts everything and completes once all resources are healthy.
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_supervisor is not null)
            {
                throw new InvalidOperationException("The app has already been started.");
            }

            _context = CreateContext();
        }

        var problems = Preflight.Validate(_resources);
        if (problems.Count > 0)
        {
            throw new DistributedApplicationException(string.Join(Environment.NewLine, problems));
        }

        var secrets = DevSecretStore.LoadOrCreate(SecretsPath, Configuration, DevSecret.All);
        Settings = PlatformSettings.Resolve(Configuration, _context.DataDirectory, secrets);
        _context = _context with { Watchdog = Watchdog.StartIfSupported() };
        _context = await StartDashboardAsync(_context, cancellationToken).ConfigureAwait(false);
        _supervisor = new Supervisor(_resources, Configuration, Settings, _context);
        await _supervisor.StartAsync(cancellationToken).ConfigureAwait(false);

        ReadyBanner.Write(
            Console.Out,
            _context.Time.GetUtcNow() - _startedAt,
            _resources.Any(resource => resource.Name == "gateway") ? GetEndpoint("gateway") : null,
            _resources.OfType<RedisResource>().Select(redis => _supervisor.InstancesOf(redis)[0]).FirstOrDefault(),
            _context,
            SecretsPath,
            Settings.GetValueOrDefault("PLATFORM_API_TOKEN"));
    }

    /// The dashboard starts first so every project is handed its OTLP endpoint; `DASHBOARD_ENABLED=false` leaves export off.
    private async Task<HostContext> StartDashboardAsync(HostContext context, CancellationToken cancellationToken)
    {
        var options = DashboardOptions.FromConfiguration(Configuration);
        if (!options.Enabled)
        {
            return context;
        }

        _dashboard = await DashboardHost.StartAsync(options, new DistributedApplicationResources(this), context.Time, cancellationToken).ConfigureAwait(false);
        return context with { OtlpEndpoint = _dashboard.OtlpGrpcEndpoint, OtlpApiKey = _dashboard.OtlpApiKey, DashboardUrl = _dashboard.Url };
    }

    private HostContext CreateContext()
    {
        var dataDirectory = PlatformSettings.ResolveDataDirectory(Configuration);
        Directory.CreateDirectory(dataDirectory);
        return new HostContext { DataDirectory = dataDirectory };
    }

    /// Stops every resource, dependents first, within about 10 s; safe to call more than once.
    public Task StopAsync()
    {
        lock (_gate)
        {
            return _stopping ??= StopCoreAsync();
        }
    }

    private async Task StopCoreAsync()
    {
        if (_supervisor is not null)
        {
            await _supervisor.StopAsync().ConfigureAwait(false);
        }

        if (_dashboard is not null)
        {
            await _dashboard.DisposeAsync().ConfigureAwait(false);
        }

        _context?.Watchdog?.Dispose();
    }

    /// The dashboard and its telemetry; null when `DASHBOARD_ENABLED=false` or before start.
    internal DashboardHost? Dashboard => _dashboard;

    public IReadOnlyList<ResourceSnapshot> GetResources() =>
        _supervisor?.Instances.Select(instance => instance.Snapshot()).ToArray() ?? [];

    /// The kept console lines of one instance (`todoservice-1`) or of a single-instance resource.
    public IReadOnlyList<string> GetLogs(string instanceName, int count = ResourceLog.DefaultCapacity) =>
        _supervisor?.Instances.FirstOrDefault(instance => instance.Name == instanceName)?.Log.Tail(count) ?? [];

    /// The HTTP address of a project resource (its first replica).
    public Uri GetEndpoint(string resourceName) => new(FindInstance(resourceName).Endpoints[0]);

    /// host:port of a Redis resource.
    public string GetConnectionString(string resourceName) => FindInstance(resourceName).Endpoints[0];

    private ResourceInstance FindInstance(string resourceName)
    {
        var resource = _resources.FirstOrDefault(resource => resource.Name == resourceName)
            ?? throw new ArgumentException($"There is no resource named '{resourceName}'.", nameof(resourceName));
        return _supervisor?.InstancesOf(resource)[0] ?? throw new InvalidOperationException("The app has not been started.");
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}

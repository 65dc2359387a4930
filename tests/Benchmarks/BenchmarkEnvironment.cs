using System.Diagnostics;
using System.Net.Http.Headers;
using Testing;

namespace Benchmarks;

/// <summary>
/// A fresh temporary DATA_DIR, a real Redis (REDIS_URL, or a redis-server started here) and TenantService
/// started as its own process from its Release build, as the AppHost would start it; TodoService on request.
/// </summary>
internal sealed class BenchmarkEnvironment : IAsyncDisposable
{
    public const string Token = "benchmark-token";

    /// <summary>The svix signing secret tenantservice verifies webhooks with.</summary>
    public static readonly string WebhookSecret = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    private Process? _redisServer;
    private Dictionary<string, string> _serviceEnvironment = [];

    private BenchmarkEnvironment(string dataDirectory) => DataDirectory = dataDirectory;

    public string DataDirectory { get; }

    public string Redis { get; private set; } = "";

    /// <summary>
    /// Signs the benchmark's user tokens; the services, in Production as deployed, know its public half as <c>CLERK_JWT_KEY</c>
    /// (the dev issuer runs in Development only).
    /// </summary>
    public string SigningKeyPem { get; } = TestTokens.NewSigningKeyPem();

    public ServiceUnderTest Service { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public ServiceUnderTest? TodoService { get; private set; }

    public HttpClient? TodoClient { get; private set; }

    public static async Task<BenchmarkEnvironment> StartAsync()
    {
        var environment = new BenchmarkEnvironment(Directory.CreateTempSubdirectory("tenantservice-bench-").FullName);
        try
        {
            environment.Redis = Environment.GetEnvironmentVariable("REDIS_URL") is { Length: > 0 } url ? url : environment.StartRedis();
            var port = LoopbackPort.Free();
            environment._serviceEnvironment = environment.ServiceSettings(port, new Dictionary<string, string> { ["PLATFORM_API_TOKEN"] = Token, ["CLERK_WEBHOOK_SECRET"] = WebhookSecret });
            environment.Service = ServiceUnderTest.Start("TenantService", environment._serviceEnvironment);
            environment.Client = NewClient(port);
            environment.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            await environment.Service.WaitReadyAsync(environment.Client);
            return environment;
        }
        catch
        {
            await environment.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts TodoService (this build's, or the one at <paramref name="assembly"/>; one started before is stopped) on the same
    /// DATA_DIR and Redis, as the AppHost would, with <paramref name="settings"/> added;
    /// <see cref="TodoClient"/> reaches it (no credentials of its own: each request brings a user's token).
    /// </summary>
    public async Task StartTodoServiceAsync(IReadOnlyDictionary<string, string> settings, string? assembly = null)
    {
        TodoClient?.Dispose();
        TodoService?.Dispose();
        var port = LoopbackPort.Free();
        TodoService = ServiceUnderTest.Start("TodoService", ServiceSettings(port, settings), assembly);
        TodoClient = NewClient(port);
        await TodoService.WaitReadyAsync(TodoClient);
    }

    /// <summary>Kills the service and starts it again on the same DATA_DIR; returns the time until it answered.</summary>
    public async Task<TimeSpan> RestartServiceAsync()
    {
        Service.Dispose();
        var clock = Stopwatch.StartNew();
        Service = ServiceUnderTest.Start("TenantService", _serviceEnvironment);
        await Service.WaitReadyAsync(Client);
        return clock.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        TodoClient?.Dispose();
        TodoService?.Dispose();
        Client?.Dispose();
        Service?.Dispose();
        if (_redisServer is { HasExited: false })
        {
            _redisServer.Kill();
            await _redisServer.WaitForExitAsync();
        }

        _redisServer?.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            Console.WriteLine($"Could not remove {DataDirectory}; remove it by hand.");
        }
    }

    private Dictionary<string, string> ServiceSettings(int port, IReadOnlyDictionary<string, string> settings) => new(settings)
    {
        ["DATA_DIR"] = DataDirectory,
        ["ConnectionStrings__cache"] = Redis,
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["CLERK_JWT_KEY"] = PublicKeyPem(SigningKeyPem),
        ["MALLOC_ARENA_MAX"] = "2", // as the AppHost starts every service
    };

    private static string PublicKeyPem(string privateKeyPem)
    {
        using var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportFromPem(privateKeyPem);
        return rsa.ExportSubjectPublicKeyInfoPem();
    }

    private static HttpClient NewClient(int port) => new(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        Timeout = TimeSpan.FromSeconds(60),
    };

    private string StartRedis()
    {
        var port = LoopbackPort.Free();
        var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("The benchmark needs redis-server (apt-get install redis-server) or REDIS_URL=host:port.");
        _redisServer = Process.Start(new ProcessStartInfo(binary, ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        _redisServer.BeginOutputReadLine();
        return $"127.0.0.1:{port}";
    }
}

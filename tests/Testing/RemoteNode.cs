using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Tenancy.Databases;

namespace Testing;

/// <summary>
/// Another node of the platform standing in for a remote libSQL server (issue 19): a TenantService process with its own
/// DATA_DIR, its own redis-server and its own platform token, on a fixed loopback port so that a test can SIGKILL it and
/// start it again at the same address. Its databases are made through its Platform API, as a storage backend would.
/// </summary>
public sealed class RemoteNode : IAsyncDisposable
{
    private readonly string _redisDirectory = Directory.CreateTempSubdirectory("remote-node-redis-").FullName;
    private readonly Process _redis;
    private readonly string _redisAddress;
    private readonly int _port = LoopbackPort.Free();
    private TenantServiceProcess? _service;

    private RemoteNode()
    {
        var redisPort = LoopbackPort.Free().ToString(CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _redisDirectory };
        foreach (var argument in new[] { "--bind", "127.0.0.1", "--port", redisPort, "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        // Always a server of its own, even with REDIS_URL set: a node's records must not mix with the other node's.
        _redis = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start (apt-get install redis-server).");
        _redis.OutputDataReceived += (_, _) => { };
        _redis.ErrorDataReceived += (_, _) => { };
        _redis.BeginOutputReadLine();
        _redis.BeginErrorReadLine();
        _redisAddress = $"127.0.0.1:{redisPort}";
    }

    /// <summary>The node's bearer token: its PLATFORM_API_TOKEN, which a storage backend's <c>STORAGE_{NAME}_TOKEN</c> carries.</summary>
    public string Token { get; } = "remote-node-" + Guid.NewGuid().ToString("N");

    /// <summary>The node's DATA_DIR.</summary>
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("remote-node-data-").FullName;

    /// <summary>The node's base address, the same across restarts.</summary>
    public Uri Address => new($"http://127.0.0.1:{_port}/");

    /// <summary>A client of the running node carrying its token.</summary>
    public HttpClient Client => Service.Client;

    /// <summary>The running node's process.</summary>
    public TenantServiceProcess Service => _service ?? throw new InvalidOperationException("The remote node is not running; call StartAsync.");

    /// <summary>Starts a node and waits until it answers.</summary>
    public static async Task<RemoteNode> StartAsync()
    {
        var node = new RemoteNode();
        try
        {
            await node.RestartAsync();
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: no shutdown code runs; connections drop and new ones are refused until <see cref="RestartAsync"/>.</summary>
    public void Kill() => _service?.Kill();

    /// <summary>Starts the node's TenantService again on the same port, DATA_DIR and Redis, and waits until it answers.</summary>
    public async Task RestartAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        _service = null;
        // Its Hostname (what a storage backend's client connects to) is its own address, not the gateway's default.
        var settings = new Dictionary<string, string> { ["PUBLIC_HOST"] = $"127.0.0.1:{_port}" };
        _service = await TenantServiceProcess.StartAsync(DataDirectory, _redisAddress, Token, settings, _port);
    }

    /// <summary>Creates a child of <c>todos-schema</c> through the Platform API; returns its libSQL URL.</summary>
    public async Task<Uri> CreateUserDatabaseAsync(DatabaseName name)
    {
        using var created = await Client.PostAsJsonAsync("/v1/organizations/local/databases", new { name = name.Value, schema = "todos-schema" });
        if (!created.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The remote node refused to create '{name.Value}': {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }

        return LibsqlUrl(name);
    }

    /// <summary>The libSQL URL of <paramref name="name"/> on this node (the placement's URL).</summary>
    public Uri LibsqlUrl(DatabaseName name) => new(Address, $"db/{name.Value}");

    /// <summary>Where the node keeps <paramref name="name"/>'s file.</summary>
    public string DatabasePath(DatabaseName name) => new DatabaseLayout(DataDirectory).DatabasePath(name);

    public async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        if (!_redis.HasExited)
        {
            _redis.Kill();
            await _redis.WaitForExitAsync();
        }

        _redis.Dispose();
        Directory.Delete(_redisDirectory, recursive: true);
        Directory.Delete(DataDirectory, recursive: true);
    }
}

using System.Diagnostics;
using System.Net.Http.Headers;

namespace Testing;

/// <summary>TenantService as a real process (<c>dotnet TenantService.dll</c>), so a test can kill it with SIGKILL.</summary>
public sealed class TenantServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private TenantServiceProcess(Process process, Uri address, string platformToken)
    {
        _process = process;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", platformToken);
    }

    public Uri Address { get; }

    /// <summary>The operating system's id of the process, to look at what it holds open.</summary>
    public int ProcessId => _process.Id;

    public HttpClient Client { get; }

    public string RecentOutput
    {
        get
        {
            lock (_output)
            {
                return string.Join("\n", _output);
            }
        }
    }

    /// <summary>Starts the service on a free port and waits until it answers <c>/alive</c>; <paramref name="settings"/> are extra environment variables.</summary>
    public static async Task<TenantServiceProcess> StartAsync(string dataDirectory, string redis, string platformToken, IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = LoopbackPort.Free();
        var start = new ProcessStartInfo("dotnet", [ServiceBuild.Assembly("TenantService")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DATA_DIR"] = dataDirectory;
        start.Environment["ConnectionStrings__cache"] = redis;
        start.Environment["PLATFORM_API_TOKEN"] = platformToken;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var service = new TenantServiceProcess(process, new Uri($"http://127.0.0.1:{port}"), platformToken);
        process.OutputDataReceived += (_, e) => service.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => service.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await service.WaitReadyAsync();
        return service;
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        Client.Dispose();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task WaitReadyAsync() => ServiceBuild.WaitAliveAsync(_process, Client, "TenantService", TimeSpan.FromSeconds(60), () => RecentOutput);

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > 200)
            {
                _output.Dequeue();
            }
        }
    }
}

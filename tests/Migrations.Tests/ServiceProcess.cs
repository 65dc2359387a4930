using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Migrations.Tests;

/// <summary>TenantService as a real process, so a test can SIGKILL it in the middle of a job.</summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private ServiceProcess(Process process, HttpClient client)
    {
        _process = process;
        Platform = new PlatformClient(client);
    }

    public PlatformClient Platform { get; }

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

    public static async Task<ServiceProcess> StartAsync(string dataDirectory, string redis, IDictionary<string, string> settings)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [ServiceAssembly()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DATA_DIR"] = dataDirectory;
        start.Environment["ConnectionStrings__cache"] = redis;
        start.Environment["PLATFORM_API_TOKEN"] = MigrationsApp.Token;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MigrationsApp.Token);
        var service = new ServiceProcess(process, client);
        process.OutputDataReceived += (_, e) => service.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => service.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await service.WaitReadyAsync(client);
        return service;
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash.</summary>
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
        Platform.Dispose();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string ServiceAssembly()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Aspire.sln")))
        {
            root = root.Parent;
        }

        var path = Path.Combine(root?.FullName ?? throw new InvalidOperationException("Aspire.sln not found above the test output."),
            "TenantService", "bin", output.Parent!.Name, output.Name, "TenantService.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build TenantService first: '{path}' is missing.", path);
    }

    private async Task WaitReadyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"TenantService exited with {_process.ExitCode}:\n{RecentOutput}");
            }

            try
            {
                using var response = await client.GetAsync("/alive");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"TenantService did not become ready:\n{RecentOutput}");
    }

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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

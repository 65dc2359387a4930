using System.Diagnostics;
using System.Net.Http.Headers;

namespace Testing;

/// <summary>
/// One of the platform's services as a real process (<c>dotnet {Project}.dll</c>, or its native AOT publish) on a free loopback port, so a test
/// can SIGKILL it; its output is kept for failure messages.
/// </summary>
public abstract class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    protected ServiceProcess(string project, IReadOnlyDictionary<string, string> environment, string? bearerToken, int? port = null, string? nativeExecutable = null)
    {
        // A fixed port lets a test start a killed service again at the same address.
        port ??= LoopbackPort.Free();
        Address = new Uri($"http://127.0.0.1:{port}");
        Client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        if (bearerToken is not null)
        {
            Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        var start = new ProcessStartInfo(nativeExecutable ?? "dotnet", nativeExecutable is null ? [ServiceBuild.Assembly(project)] : [])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_URLS"] = Address.ToString().TrimEnd('/');
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        Project = project;
        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Project { get; }

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
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Waits until the service answers <c>/alive</c>; fails with its output if it exits or takes a minute.</summary>
    protected async Task WaitReadyAsync()
    {
        try
        {
            await ServiceBuild.WaitAliveAsync(_process, Client, Project, TimeSpan.FromSeconds(60), () => RecentOutput);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
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
}

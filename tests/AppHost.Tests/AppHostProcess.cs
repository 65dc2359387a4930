using System.Diagnostics;
using System.Text;
using AppHost.Platform;
using Testing;

namespace AppHost.Tests;

/// <summary>
/// A real <c>dotnet AppHost.dll</c> in a temporary DATA_DIR with free ports, run from AppHost/ as a developer runs it;
/// its output is collected so its console never blocks. Disposing it stops whatever it left running.
/// </summary>
internal sealed class AppHostProcess : IAsyncDisposable
{

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private StartedProcesses? _started;

    private AppHostProcess(string dataDirectory, IEnumerable<string> arguments, string? path)
    {
        DataDirectory = dataDirectory;
        var assembly = ServiceBuild.Assembly("AppHost");
        var info = new ProcessStartInfo(path is null ? Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet" : Path.Combine(path, "dotnet"))
        {
            // AppHost/bin/<configuration>/net10.0/AppHost.dll -> AppHost/
            WorkingDirectory = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(assembly)!, "..", "..", "..")),
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(assembly);
        // Test projects run side by side on 2 cores: Aspire's 25 s check of its orchestrator (dcp info) may need longer.
        foreach (var argument in (string[])[$"--DATA_DIR={dataDirectory}", "--GATEWAY_PORT=0", "--DASHBOARD_PORT=0", "--DASHBOARD_OTLP_GRPC_PORT=0", "--DASHBOARD_OTLP_HTTP_PORT=0",
            "--DcpPublisher:DependencyCheckTimeout=120", .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        // A developer's shell has no DOTNET_HOST_PATH (dotnet test sets it): the AppHost finds dotnet on PATH as it would there.
        info.Environment.Remove("DOTNET_HOST_PATH");
        if (path is not null)
        {
            info.Environment["PATH"] = path;
        }

        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.Exited += (_, _) => _ready.TrySetException(
            new InvalidOperationException($"The AppHost exited with {_process.ExitCode} before it was ready:{Environment.NewLine}{Output}"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string DataDirectory { get; }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the AppHost; <paramref name="path"/> replaces PATH (a folder that must hold <c>dotnet</c>).</summary>
    public static AppHostProcess Start(string dataDirectory, IEnumerable<string>? arguments = null, string? path = null) =>
        new(dataDirectory, arguments ?? [], path);

    /// <summary>Waits for the AppHost's ready line (every service healthy); fails with its output if it exits or times out.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan within)
    {
        try
        {
            await _ready.Task.WaitAsync(within);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The AppHost printed no '{StartupReport.ReadyLine}' line within {within.TotalSeconds:0} s; its output:{Environment.NewLine}{Output}");
        }
    }

    /// <summary>The processes it started so far (see <see cref="ProcessTable.StartedBy"/>), remembered for cleanup.</summary>
    public StartedProcesses StartedProcesses() => _started = ProcessTable.StartedBy(_process.Id, DataDirectory);

    /// <summary>Ctrl+C in its terminal.</summary>
    public void Interrupt()
    {
        Signals.Send(_process.Id, Signals.Interrupt);
    }

    /// <summary>SIGKILL: the AppHost runs no shutdown code at all.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: false);

    /// <summary>Its exit code, or null if it still runs after <paramref name="within"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        var started = _started ?? (_process.HasExited ? null : StartedProcesses());
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        // A failed test must not leave DCP and the services running into the next test.
        foreach (var leftover in started?.StillRunning() ?? [])
        {
            try
            {
                using var process = Process.GetProcessById(leftover.Pid);
                process.Kill();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // Gone meanwhile.
            }
        }

        _process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        // The console logger puts the message on its own indented line under "info: AppHost.Platform.StartupReport[...]".
        if (line.TrimStart().StartsWith(StartupReport.ReadyLine, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Testing;

namespace Benchmarks;

/// <summary>
/// The built AppHost started as a user starts it after a build: <c>dotnet AppHost/bin/{configuration}/net10.0/AppHost.dll</c>
/// in the AppHost's folder, with a fresh DATA_DIR and free ports; stopped with Ctrl+C (SIGINT). Its output is kept
/// and shown whenever it fails.
/// </summary>
internal sealed class AppHostProcess : IAsyncDisposable
{
    /// <summary>The first words of the AppHost's ready line (AppHost/Platform/StartupReport.ReadyLine).</summary>
    public const string ReadyLine = "AppHost ready";


    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _dataDirectory;
    private readonly Stopwatch _sinceStart;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<(TimeSpan Elapsed, string Line)> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppHostProcess(Process process, string dataDirectory, Stopwatch sinceStart)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        _sinceStart = sinceStart;
    }

    public int ProcessId => _process.Id;

    private string Output => string.Join('\n', _output);

    public static AppHostProcess Start()
    {
        var assembly = ServiceBuild.Assembly("AppHost");
        var dataDirectory = Directory.CreateTempSubdirectory("apphost-bench-").FullName;
        string[] settings = [$"--DATA_DIR={dataDirectory}", "--GATEWAY_PORT=0", "--DASHBOARD_PORT=0", "--DASHBOARD_OTLP_GRPC_PORT=0", "--DASHBOARD_OTLP_HTTP_PORT=0"];
        var start = new ProcessStartInfo("dotnet", [assembly, .. settings])
        {
            // The project folder, as `dotnet run --project AppHost` runs it: .data and appsettings are found from there.
            WorkingDirectory = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(assembly)!, "..", "..", "..")),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        var sinceStart = Stopwatch.StartNew();
        var appHost = new AppHostProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."), dataDirectory, sinceStart);
        appHost._process.OutputDataReceived += (_, e) => appHost.Receive(e.Data);
        appHost._process.ErrorDataReceived += (_, e) => appHost.Receive(e.Data);
        appHost._process.BeginOutputReadLine();
        appHost._process.BeginErrorReadLine();
        return appHost;
    }

    /// <summary>Waits for the ready line; returns the time from process start to it, and the line (with the AppHost's own count).</summary>
    public async Task<(TimeSpan Elapsed, string Line)> WaitReadyAsync()
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_ready.Task, exited, Task.Delay(ReadyTimeout));
        if (first == _ready.Task)
        {
            return await _ready.Task;
        }

        throw new InvalidOperationException(first == exited
            ? $"The AppHost exited with {_process.ExitCode} before '{ReadyLine}'. Its output:\n{Output}"
            : $"The AppHost did not print '{ReadyLine}' within {ReadyTimeout.TotalSeconds:0} s. Its output:\n{Output}");
    }

    /// <summary>
    /// Ctrl+C, then waits for the AppHost and for every process it started (DCP outlives it briefly to stop them);
    /// returns the time until all are gone. Fails, with the AppHost's output, if it does not stop in time.
    /// </summary>
    public async Task<TimeSpan> StopAsync()
    {
        var processes = AppHostProcesses.Of(_process.Id);
        var clock = Stopwatch.StartNew();
        Signals.Send(_process.Id, Signals.Interrupt);

        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            while (processes.Any(process => process.IsAlive))
            {
                await Task.Delay(50, timeout.Token);
            }
        }
        catch (OperationCanceledException)
        {
            var left = string.Join('\n', processes.Where(process => process.IsAlive).Select(process => $"  {process}"));
            // A background job of a non-interactive shell ignores SIGINT, and so does every process it starts.
            throw new TimeoutException($"The AppHost and its processes did not stop within {StopTimeout.TotalSeconds:0} s of SIGINT " +
                $"(is SIGINT ignored? see SigIgn in /proc/{Environment.ProcessId}/status); still running:\n{left}\nIts output:\n{Output}");
        }

        return clock.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        // Nothing is left after StopAsync. After a failure, DCP (it watches the AppHost) stops what it started once the
        // AppHost is gone; whatever is still running after that is ended here.
        var processes = AppHostProcesses.Of(_process.Id);
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        for (var wait = 0; wait < 100 && processes.Any(process => process.IsAlive); wait++)
        {
            await Task.Delay(100);
        }

        foreach (var process in processes)
        {
            process.Kill();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            Console.WriteLine($"Could not remove {_dataDirectory}; remove it by hand.");
        }
    }

    private void Receive(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (line.TrimStart().StartsWith(ReadyLine, StringComparison.Ordinal))
        {
            _ready.TrySetResult((_sinceStart.Elapsed, line.Trim()));
        }
    }
}

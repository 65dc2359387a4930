using System.Diagnostics;
using System.Text;

namespace AppHost.Tests;

/// A real `dotnet AppHost.dll` process, its output collected so its console never blocks.
internal sealed class AppHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AppHostProcess(params string[] args)
    {
        var assembly = Path.Combine(ProjectLocator.AppHostDirectory, "bin", ProjectLocator.Configuration, "net10.0", "AppHost.dll");
        var info = new ProcessStartInfo(ProjectLocator.DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(assembly);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        // An AppHost that stops before its banner will never be ready: say so at once, with what it printed.
        _process.Exited += (_, _) => _ready.TrySetException(
            new InvalidOperationException($"The AppHost exited with {_process.ExitCode} before it was ready:{Environment.NewLine}{Output}"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

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

    /// <summary>Waits for the ready banner; a timeout reports what the AppHost printed so far.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan within)
    {
        try
        {
            await _ready.Task.WaitAsync(within);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The AppHost was not ready within {within.TotalSeconds:0} s; its output:{Environment.NewLine}{Output}");
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        await _process.WaitForExitAsync().WaitAsync(within);
        return _process.ExitCode;
    }

    public void KillHard() => _process.Kill(entireProcessTree: false);

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

        if (line.StartsWith(ReadyBanner.FirstLine, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}

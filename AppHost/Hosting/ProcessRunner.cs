using System.ComponentModel;
using System.Diagnostics;

namespace AppHost.Hosting;

/// One run of one process: its output goes to the resource log; it is stopped gracefully, then killed.
internal sealed class ProcessRunner : IDisposable
{
    private readonly Process _process;

    private ProcessRunner(Process process, Task<int> exited)
    {
        _process = process;
        Exited = exited;
        ProcessId = process.Id;
    }

    public int ProcessId { get; }

    /// Completes with the exit code once the process has exited and its output is drained.
    public Task<int> Exited { get; }

    public static ProcessRunner Start(ProcessSpec spec, ResourceLog log)
    {
        var info = new ProcessStartInfo(spec.FileName)
        {
            WorkingDirectory = spec.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
        };
        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in spec.Environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { log.Append(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log.Append(e.Data); } };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new DistributedApplicationException($"{log.Name}: could not start '{spec.FileName}': {ex.Message}", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ProcessRunner(process, WaitForExitAsync(process));
    }

    private static async Task<int> WaitForExitAsync(Process process)
    {
        await process.WaitForExitAsync().ConfigureAwait(false);
        return process.ExitCode;
    }

    /// SIGTERM first (a .NET app and redis-server exit on it); Kill once the grace period is over.
    public async Task StopAsync(TimeSpan grace)
    {
        if (Exited.IsCompleted)
        {
            return;
        }

        if (UnixSignals.Terminate(ProcessId))
        {
            try
            {
                await Exited.WaitAsync(grace).ConfigureAwait(false);
                return;
            }
            catch (TimeoutException)
            {
                // Fall through to the kill.
            }
        }

        try
        {
            _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        await Exited.ConfigureAwait(false);
    }

    public void Dispose() => _process.Dispose();
}

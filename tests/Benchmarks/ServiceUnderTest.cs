using System.Diagnostics;
using Testing;

namespace Benchmarks;

/// <summary>A service (TenantService, TodoService) as its own process: started from its build output, its memory and files read from /proc.</summary>
internal sealed class ServiceUnderTest : IDisposable
{
    private readonly Process _process;
    private readonly string _project;

    private ServiceUnderTest(Process process, string project)
    {
        _process = process;
        _project = project;
    }

    public int ProcessId => _process.Id;

    /// <summary>The CPU time (user and system) the service has used since it started.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Entries of /proc/&lt;pid&gt;/fd: files, sockets and pipes the process holds open.</summary>
    public int OpenFiles => Directory.GetFileSystemEntries($"/proc/{_process.Id}/fd").Length;

    /// <summary>Starts <c>dotnet &lt;project&gt;.dll</c> from the project's output in the benchmark's own configuration, or another build's assembly or native executable.</summary>
    public static ServiceUnderTest Start(string project, IReadOnlyDictionary<string, string> environment, string? assembly = null)
    {
        assembly ??= ServiceBuild.Assembly(project);
        // A native AOT publish (no .dll) runs by itself.
        var native = !assembly.EndsWith(".dll", StringComparison.Ordinal);
        var start = new ProcessStartInfo(native ? assembly : "dotnet", native ? [] : [assembly])
        {
            // The project folder, as the AppHost starts it: its appsettings.json (log levels) is read from there.
            WorkingDirectory = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(assembly)!, "..", "..", "..")),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        // Drained so a full pipe never stalls the service; warnings and errors are shown.
        var showNext = false;
        var label = project.ToLowerInvariant();
        process.OutputDataReceived += (_, e) => Show(label, e.Data, ref showNext);
        process.ErrorDataReceived += (_, e) => Show(label, e.Data, ref showNext);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServiceUnderTest(process, project);
    }

    public Task WaitReadyAsync(HttpClient client) =>
        ServiceBuild.WaitAliveAsync(_process, client, _project, TimeSpan.FromSeconds(120), () => "(warnings and errors are shown above)");

    /// <summary>
    /// A field of /proc/&lt;pid&gt;/status in MiB: VmRSS (resident now), VmHWM (peak resident), or the parts of VmRSS:
    /// RssAnon (heaps), RssFile (mapped files: the runtime and assemblies), RssShmem (shared memory: SQLite's WAL indexes).
    /// </summary>
    public double StatusMebibytes(string field) => ProcessMemory.Mebibytes(_process.Id, field);

    /// <summary>VmRSS's parts in MiB, as the benchmarks print them: "anonymous A, files F, shared S".</summary>
    public string RssParts() =>
        FormattableString.Invariant($"anonymous {StatusMebibytes("RssAnon"):0}, files {StatusMebibytes("RssFile"):0}, shared {StatusMebibytes("RssShmem"):0}");

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    // The console logger writes "warn: Category[id]" and then the message on the next line.
    private static void Show(string label, string? line, ref bool showNext)
    {
        if (line is null)
        {
            return;
        }

        var header = line.StartsWith("warn", StringComparison.Ordinal) || line.StartsWith("fail", StringComparison.Ordinal) || line.StartsWith("crit", StringComparison.Ordinal);
        // Also the migration jobs' phase times and per-step summaries: the migrate benchmark's profile.
        if (header || showNext || line.Contains("step times per rolling child", StringComparison.Ordinal) || line.Contains(" took 00:", StringComparison.Ordinal))
        {
            Console.WriteLine($"  [{label}] {line}");
        }

        showNext = header;
    }
}

using System.Globalization;

namespace AppHost.Tests;

/// <summary>What /proc says about the processes of this machine (Linux only).</summary>
internal static class ProcessTable
{
    /// <summary>Every live process; zombies have exited and count as gone.</summary>
    public static IReadOnlyList<ProcessEntry> All() =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? Read(pid) : null)
            .OfType<ProcessEntry>()
            .ToArray();

    public static ProcessEntry? Read(int pid)
    {
        try
        {
            // pid (comm) state ppid ... starttime is the 22nd field; comm may contain spaces, so count after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] is "Z" or "X")
            {
                return null;
            }

            var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            return new ProcessEntry(pid, int.Parse(fields[1], CultureInfo.InvariantCulture), long.Parse(fields[19], CultureInfo.InvariantCulture), arguments);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static bool IsAlive(ProcessEntry process) => Read(process.Pid) is { } now && now.StartTicks == process.StartTicks;

    public static IReadOnlyDictionary<string, string> EnvironmentOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ")
                .Split('\0', StringSplitOptions.RemoveEmptyEntries)
                .Select(entry => entry.Split('=', 2))
                .Where(pair => pair.Length == 2)
                .GroupBy(pair => pair[0])
                .ToDictionary(group => group.Key, group => group.Last()[1]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new Dictionary<string, string>();
        }
    }

    /// <summary>
    /// Every process an AppHost (<paramref name="appHostPid"/>, running with <paramref name="dataDirectory"/>) started, directly or
    /// through DCP. DCP's API server is started detached, not as a child: <c>dcp start-apiserver --monitor {appHostPid}
    /// --kubeconfig /tmp/aspire-dcpXXXX/kubeconfig</c>; its controller (<c>dcp run-controllers --kubeconfig</c> the same file)
    /// runs the resources as its own children (the dashboard, the cache, the services, one <c>dcp monitor-process</c> each).
    /// The services also carry <c>DATA_DIR</c> in their environment, and the cache runs in <c>$DATA_DIR/redis</c>, which
    /// finds them even once DCP is gone and they were re-parented. The services' dll paths are not used: every AppHost
    /// run from the same build (other tests, other engineers) starts the same ones.
    /// </summary>
    public static StartedProcesses StartedBy(int appHostPid, string dataDirectory)
    {
        var all = All();
        var monitor = appHostPid.ToString(CultureInfo.InvariantCulture);
        var dcpFolders = all
            .Where(process => ValueAfter(process, "--monitor") == monitor && ValueAfter(process, "--kubeconfig") is not null)
            .Select(process => Path.GetDirectoryName(ValueAfter(process, "--kubeconfig"))!)
            .Distinct()
            .ToArray();
        var started = new StartedProcesses(dcpFolders, dataDirectory, []);
        var roots = all.Where(process => process.Pid == appHostPid || started.Identifies(process)).Select(process => process.Pid).ToHashSet();
        var found = new HashSet<int>(roots);
        bool grew;
        do
        {
            grew = false;
            foreach (var process in all)
            {
                if (found.Contains(process.ParentPid) && found.Add(process.Pid))
                {
                    grew = true;
                }
            }
        }
        while (grew);

        found.Remove(appHostPid);
        return started with { Processes = all.Where(process => found.Contains(process.Pid)).ToArray() };
    }

    private static string? ValueAfter(ProcessEntry process, string option)
    {
        var index = process.Arguments.ToList().IndexOf(option);
        return index >= 0 && index + 1 < process.Arguments.Count ? process.Arguments[index + 1] : null;
    }

    internal static string? WorkingDirectoryOf(int pid)
    {
        try
        {
            return new DirectoryInfo($"/proc/{pid}/cwd").ResolveLinkTarget(returnFinalTarget: false)?.FullName;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

using System.Globalization;

namespace Benchmarks;

/// <summary>
/// Every process an AppHost run consists of. DCP, Aspire's orchestrator, detaches: its API server is re-parented to
/// init, but it names the AppHost it serves in <c>--monitor &lt;pid&gt;</c>, and everything DCP starts (dashboard,
/// Redis, services, a <c>dcp monitor-process</c> beside each) descends from it. So: the AppHost's descendants, with
/// a process that monitors one of them counted as its child. Unlike matching package paths on command lines, this
/// leaves out other AppHosts running on the same machine.
/// </summary>
internal static class AppHostProcesses
{
    /// <summary>The AppHost (if still running) and the processes it started, directly or through DCP.</summary>
    public static IReadOnlyList<LinuxProcess> Of(int appHostId)
    {
        var all = LinuxProcess.All();
        var members = new HashSet<int> { appHostId };
        bool grew;
        do
        {
            grew = false;
            foreach (var process in all.Where(process => !members.Contains(process.Id)))
            {
                if (members.Contains(process.ParentId) || (Monitored(process) is { } monitored && members.Contains(monitored)))
                {
                    grew |= members.Add(process.Id);
                }
            }
        }
        while (grew);

        return all.Where(process => members.Contains(process.Id)).ToArray();
    }

    private static int? Monitored(LinuxProcess process)
    {
        var index = process.Program == "dcp" ? process.CommandLine.ToList().IndexOf("--monitor") : -1;
        return index > 0 && index + 1 < process.CommandLine.Count && int.TryParse(process.CommandLine[index + 1], CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
    }
}

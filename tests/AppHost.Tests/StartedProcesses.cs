namespace AppHost.Tests;

/// <summary>The processes an AppHost started, and what identifies any more of them: DCP's folder and the data directory.</summary>
internal sealed record StartedProcesses(IReadOnlyList<string> DcpFolders, string DataDirectory, IReadOnlyList<ProcessEntry> Processes)
{
    /// <summary>Those of <see cref="Processes"/> still running, and any other process that belongs to the same AppHost.</summary>
    public IReadOnlyList<ProcessEntry> StillRunning() =>
        Processes.Where(ProcessTable.IsAlive)
            .Concat(ProcessTable.All().Where(Identifies))
            .DistinctBy(process => process.Pid)
            .ToArray();

    public bool Identifies(ProcessEntry process) =>
        DcpFolders.Any(folder => process.CommandLine.Contains(folder, StringComparison.Ordinal))
        || (ProcessTable.EnvironmentOf(process.Pid).TryGetValue("DATA_DIR", out var dataDirectory) && dataDirectory == DataDirectory)
        || ProcessTable.WorkingDirectoryOf(process.Pid) is { } workingDirectory && workingDirectory.StartsWith(DataDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>Waits until none is left (of those <paramref name="which"/> selects); false if some still run after <paramref name="within"/>.</summary>
    public async Task<bool> AllGoneAsync(TimeSpan within, Func<ProcessEntry, bool>? which = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (StillRunning().Any(which ?? (_ => true)))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    public override string ToString() => string.Join(Environment.NewLine, Processes);
}

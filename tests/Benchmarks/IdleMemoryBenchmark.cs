namespace Benchmarks;

/// <summary>
/// <c>idle-memory</c>: the built AppHost started as a user starts it, left idle for 10 s after its ready line; then the
/// proportional set size (PSS: shared pages split between the processes sharing them, so the sum is what the run
/// costs the machine) of every process of the run, grouped by what it is (see <see cref="AppHostProcesses"/>).
/// </summary>
internal static class IdleMemoryBenchmark
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(10);

    private static readonly string[] Services = ["TenantService", "TodoService", "Gateway"];

    private static readonly string[] Groups = ["AppHost", "DCP", "dashboard", "dotnet run wrappers", "services", "redis-server", "EmbeddedRedis", "other"];

    public static async Task<int> RunAsync()
    {
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load average before: {BenchmarkCommand.LoadAverage()}");
        await using var appHost = AppHostProcess.Start();
        var (ready, _) = await appHost.WaitReadyAsync();
        Console.WriteLine(FormattableString.Invariant($"ready after {ready.TotalSeconds:0.0} s; idle for {Idle.TotalSeconds:0} s"));
        await Task.Delay(Idle);

        var measured = AppHostProcesses.Of(appHost.ProcessId)
            .Select(process => (Process: process, Group: GroupOf(process, appHost.ProcessId), Pss: Megabytes(process.SmapsKilobytes("Pss")), Rss: Megabytes(process.SmapsKilobytes("Rss"))))
            .ToArray();
        Console.WriteLine(FormattableString.Invariant($"{"",-26}{"processes",10}{"PSS MB",10}{"RSS MB",10}"));
        foreach (var group in Groups)
        {
            var members = measured.Where(row => row.Group == group).ToArray();
            if (members.Length == 0 && group is "EmbeddedRedis" or "other")
            {
                continue;
            }

            Row(group, members);
            if (group is "DCP" or "services" or "other")
            {
                foreach (var part in members.GroupBy(row => Label(row.Process)))
                {
                    Row("  " + part.Key, [.. part]);
                }
            }
        }

        Row("total", measured);
        Console.WriteLine("(RSS counts shared pages, such as the .NET runtime mapped by every dotnet process, once per process; PSS splits them.)");
        var stopped = await appHost.StopAsync();
        Console.WriteLine(FormattableString.Invariant($"everything stopped {stopped.TotalSeconds:0.0} s after SIGINT; load average after: {BenchmarkCommand.LoadAverage()}"));
        return 0;
    }

    private static void Row(string label, (LinuxProcess Process, string Group, double Pss, double Rss)[] rows) =>
        Console.WriteLine(FormattableString.Invariant($"{label,-26}{rows.Length,10}{rows.Sum(row => row.Pss),10:0.0}{rows.Sum(row => row.Rss),10:0.0}"));

    private static string GroupOf(LinuxProcess process, int appHostId) => process switch
    {
        _ when process.Id == appHostId => "AppHost",
        { Program: "dcp" } => "DCP",
        { Program: "Aspire.Dashboard" } => "dashboard",
        { Program: "redis-server" } => "redis-server",
        { Program: "dotnet", CommandLine: [_, "run", ..] } => "dotnet run wrappers",
        _ when Dll(process) is { } dll && Services.Contains(dll) => "services",
        _ when Dll(process) is "Aspire.Dashboard" => "dashboard",
        _ when Dll(process) is "EmbeddedRedis" => "EmbeddedRedis",
        _ => "other",
    };

    // A service by its assembly, DCP by its subcommand (start-apiserver, run-controllers, monitor-process), others by program.
    private static string Label(LinuxProcess process) =>
        Dll(process) ?? string.Join(' ', [process.Program, .. process.CommandLine.Skip(1).Take(process.Program == "dcp" ? 1 : 0)]);

    // `dotnet .../TodoService.dll`: the service is named by the assembly it runs.
    private static string? Dll(LinuxProcess process) =>
        process.CommandLine.Skip(1).FirstOrDefault(argument => argument.EndsWith(".dll", StringComparison.Ordinal)) is { } dll ? Path.GetFileNameWithoutExtension(dll) : null;

    private static double Megabytes(long? kilobytes) => (kilobytes ?? 0) * 1024 / 1e6;
}

using System.Diagnostics;
using System.Globalization;

namespace Benchmarks;

/// <summary>A process as /proc shows it: its parent, its command line, and its memory from smaps_rollup.</summary>
internal sealed record LinuxProcess(int Id, int ParentId, long StartTicks, IReadOnlyList<string> CommandLine)
{
    /// <summary>
    /// The file name of what runs, as it was started: <c>dotnet</c>, <c>dcp</c>, <c>redis-server</c>, <c>Aspire.Dashboard</c>.
    /// A process may rewrite its command line: redis-server's reads "/usr/bin/redis-server 127.0.0.1:port" as one argument
    /// (and its executable is redis-check-rdb, which it is a link to).
    /// </summary>
    public string Program => CommandLine.Count > 0 ? Path.GetFileName(CommandLine[0].Split(' ')[0]) : "";

    /// <summary>Still running, and not another process that reuses the id.</summary>
    public bool IsAlive => Read(Id) is { } now && now.StartTicks == StartTicks;

    /// <summary>Every process that can be read now; ones that exit while being read are left out.</summary>
    public static IReadOnlyList<LinuxProcess> All() =>
        Directory.EnumerateDirectories("/proc")
            .Select(path => int.TryParse(Path.GetFileName(path), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? Read(id) : null)
            .OfType<LinuxProcess>()
            .ToArray();

    /// <summary>A field of /proc/&lt;pid&gt;/smaps_rollup (Pss, Rss, Pss_Anon, ...) in kB; null once the process is gone.</summary>
    public long? SmapsKilobytes(string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{Id}/smaps_rollup").FirstOrDefault(line => line.StartsWith(field + ":", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Kill()
    {
        if (!IsAlive)
        {
            return;
        }

        try
        {
            using var process = Process.GetProcessById(Id);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // Exited meanwhile.
        }
    }

    public override string ToString() => $"{Id} {string.Join(' ', CommandLine)}";

    private static LinuxProcess? Read(int id)
    {
        try
        {
            // "pid (comm) state ppid ... starttime ...": comm may hold spaces and parentheses, so fields count from the last ')'.
            var stat = File.ReadAllText($"/proc/{id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var commandLine = File.ReadAllText($"/proc/{id}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            return new LinuxProcess(id, int.Parse(fields[1], CultureInfo.InvariantCulture), long.Parse(fields[19], CultureInfo.InvariantCulture), commandLine);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

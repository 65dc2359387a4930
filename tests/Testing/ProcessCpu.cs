using System.Globalization;

namespace Testing;

/// <summary>The CPU time a process has used so far (user plus system), from <c>/proc/{pid}/stat</c>.</summary>
public static class ProcessCpu
{
    // USER_HZ: the kernel reports these times in hundredths of a second on Linux.
    private const double TicksPerSecond = 100;

    /// <summary>The CPU time process <paramref name="pid"/> has used so far.</summary>
    public static TimeSpan Of(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name may hold spaces: the fields after it start past its closing parenthesis; utime and stime are the 12th and 13th of them.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}

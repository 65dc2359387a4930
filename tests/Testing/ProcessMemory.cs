using System.Globalization;

namespace Testing;

/// <summary>A process's memory as <c>/proc/{pid}/status</c> reports it.</summary>
public static class ProcessMemory
{
    /// <summary>
    /// A field of <c>/proc/{pid}/status</c> in bytes: VmRSS (resident now), VmHWM (peak resident), or the parts of VmRSS:
    /// RssAnon (heaps), RssFile (mapped files: the runtime and assemblies), RssShmem (shared memory: SQLite's WAL indexes).
    /// </summary>
    public static long Bytes(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"{field} not found in /proc/{pid}/status.");
    }

    /// <summary>The same field in MiB.</summary>
    public static double Mebibytes(int pid, string field) => Bytes(pid, field) / (1024.0 * 1024);

    /// <summary>Sets the peak (VmHWM) back to what is resident now, so that a later VmHWM is the peak from this moment on.</summary>
    public static void ResetPeak(int pid) => File.WriteAllText($"/proc/{pid}/clear_refs", "5");
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace TenantService.Migrations;

/// <summary>The steps a rolling child goes through in a run, timed one by one.</summary>
internal enum MigrationStep
{
    /// <summary>Opening the child in the connection cache before its write block.</summary>
    Open,

    /// <summary>Starting the write block: its platform.db record and its publish, together.</summary>
    Block,

    /// <summary>Taking the maintenance lease and running, versioning and committing the SQL.</summary>
    Apply,

    /// <summary>Lifting the write block: its platform.db record (with the new version) and its publish, together.</summary>
    Release,

    /// <summary>The platform.db part of a block or release alone: waiting for, and making, its commit.</summary>
    Record,

    /// <summary>From the start of a block to the end of its release: the time the child's writes waited.</summary>
    Blocked,
}

/// <summary>
/// How long each <see cref="MigrationStep"/> took across one job's children, summarised in its end-of-job log line (and
/// recorded as <c>migrations.step.duration</c>), so where a child's time goes is visible without a trace per child.
/// </summary>
internal sealed class MigrationStepTimes
{
    private readonly ConcurrentQueue<double>[] _times = [.. Enum.GetValues<MigrationStep>().Select(_ => new ConcurrentQueue<double>())];

    public void Add(MigrationStep step, TimeSpan elapsed)
    {
        var milliseconds = elapsed.TotalMilliseconds;
        _times[(int)step].Enqueue(milliseconds);
        MigrationTelemetry.StepDuration.Record(milliseconds, new TagList { { "migration.step", StepName(step) } });
    }

    /// <summary>How many times <paramref name="step"/> was timed.</summary>
    public int Count(MigrationStep step) => _times[(int)step].Count;

    /// <summary>"open p50 0.4 p99 3.1 ms (3000); block ..." for every step timed at least once.</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        foreach (var step in Enum.GetValues<MigrationStep>())
        {
            var sorted = _times[(int)step].Order().ToArray();
            if (sorted.Length == 0)
            {
                continue;
            }

            text.Append(text.Length > 0 ? "; " : "").Append(CultureInfo.InvariantCulture,
                $"{StepName(step)} p50 {Percentile(sorted, 50):0.0} p99 {Percentile(sorted, 99):0.0} ms ({sorted.Length})");
        }

        return text.Length > 0 ? text.ToString() : "no child steps";
    }

    private static string StepName(MigrationStep step) => step.ToString().ToLowerInvariant();

    private static double Percentile(double[] sorted, int percentile) =>
        sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

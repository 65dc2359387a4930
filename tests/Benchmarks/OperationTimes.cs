namespace Benchmarks;

/// <summary>One operation's timings in milliseconds, and how many of its requests failed.</summary>
internal sealed class OperationTimes
{
    public List<double> Client { get; } = [];

    public List<double> Server { get; } = [];

    public int Errors { get; set; }

    public static OperationTimes Merge(IEnumerable<OperationTimes> parts)
    {
        var merged = new OperationTimes();
        foreach (var part in parts)
        {
            merged.Client.AddRange(part.Client);
            merged.Server.AddRange(part.Server);
            merged.Errors += part.Errors;
        }

        return merged;
    }
}

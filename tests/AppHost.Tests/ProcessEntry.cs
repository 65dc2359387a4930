namespace AppHost.Tests;

/// <summary>A process as /proc shows it; <see cref="StartTicks"/> tells it apart from a later process given the same pid.</summary>
internal sealed record ProcessEntry(int Pid, int ParentPid, long StartTicks, IReadOnlyList<string> Arguments)
{
    public string CommandLine => string.Join(' ', Arguments);

    public override string ToString() => $"{Pid} {CommandLine}";
}

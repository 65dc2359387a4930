namespace AppHost.Dashboard;

/// The kept console output of one resource instance, oldest line first.
internal sealed record ConsoleLines(string Instance, IReadOnlyList<string> Lines);

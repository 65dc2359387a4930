using System.Diagnostics;

namespace AppHost.Hosting;

/// A `/bin/sh` child that kills every tracked pid when the AppHost dies without stopping them (SIGKILL, crash).
/// It learns pids line by line on stdin; EOF means the AppHost is gone. Unix only: Windows would need a job object.
internal sealed class Watchdog : IDisposable
{
    private const string Script = """
        trap '' INT TERM HUP
        pids=' '
        while IFS= read -r line; do
          case "$line" in
            exit) exit 0 ;;
            -*) pids=$(printf '%s' "$pids" | sed "s/ ${line#-} / /") ;;
            *) pids="$pids$line " ;;
          esac
        done
        for p in $pids; do kill -TERM "$p" 2>/dev/null; done
        sleep 1
        for p in $pids; do kill -KILL "$p" 2>/dev/null; done
        """;

    private readonly Process _shell;
    private readonly Lock _gate = new();
    private bool _closed;

    private Watchdog(Process shell) => _shell = shell;

    public int ProcessId => _shell.Id;

    public static Watchdog? StartIfSupported()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/bin/sh"))
        {
            return null;
        }

        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Script);
        var shell = Process.Start(info) ?? throw new DistributedApplicationException("apphost: could not start the /bin/sh watchdog.");
        return new Watchdog(shell);
    }

    public void Track(int pid) => Send(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void Untrack(int pid) => Send("-" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private void Send(string line)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _shell.StandardInput.WriteLine(line);
            _shell.StandardInput.Flush();
        }
    }

    /// Graceful shutdown: the AppHost has stopped its children itself, so the watchdog exits without killing.
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            try
            {
                _shell.StandardInput.WriteLine("exit");
                _shell.StandardInput.Close();
            }
            catch (IOException)
            {
                // The shell is already gone.
            }
        }

        _shell.WaitForExit(TimeSpan.FromSeconds(5));
        _shell.Dispose();
    }
}

using System.Runtime.InteropServices;
using Garnet;

// A Redis-compatible server (Garnet) for machines with neither redis-server nor a container runtime: the AppHost
// runs it as the `cache` resource with Garnet's own arguments (--bind, --port, memory sizes).
using var server = new GarnetServer(args);
server.Start();
Console.WriteLine($"Garnet listening ({string.Join(' ', args)})");

var stopped = new TaskCompletionSource();
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
await stopped.Task;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stopped.TrySetResult();
}

using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AppHost.Telemetry;

/// One loopback endpoint of an embedded web server; Kestrel fills in the real port when it binds port 0.
internal sealed class LoopbackListener
{
    internal ListenOptions? Options { get; set; }

    public int Port => Options?.IPEndPoint?.Port is > 0 and var port
        ? port
        : throw new InvalidOperationException("The web server has not been started yet.");

    public Uri Url => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");
}

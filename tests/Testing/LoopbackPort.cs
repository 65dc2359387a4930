using System.Net;
using System.Net.Sockets;

namespace Testing;

/// <summary>Ports for servers that tests and benchmarks start themselves.</summary>
public static class LoopbackPort
{
    /// <summary>A loopback port the OS considers free right now; another process may still take it before the server binds it.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Net;
using System.Net.Sockets;

namespace AppHost.Platform;

/// Ports for endpoints that Aspire's proxy does not front: a proxy hop on every request would be measured by every benchmark.
internal static class LoopbackPorts
{
    /// A port the OS considers free right now; another process may still take it before the service binds it.
    public static int GetFree()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsInUse(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    /// The port a setting names (<c>0</c>: a free one), else <paramref name="defaultPort"/>; a bad value stops the AppHost.
    public static int FromSetting(IConfiguration configuration, string setting, int defaultPort)
    {
        var value = configuration[setting];
        if (string.IsNullOrWhiteSpace(value))
        {
            return defaultPort;
        }

        if (!int.TryParse(value, out var port) || port is < 0 or > 65535)
        {
            throw new DistributedApplicationException($"{setting} '{value}' is not a port; set it to 1-65535, or 0 for a free one.");
        }

        return port == 0 ? GetFree() : port;
    }
}

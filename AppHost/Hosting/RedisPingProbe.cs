using System.Net.Sockets;
using System.Text;

namespace AppHost.Hosting;

/// Healthy when the server answers PING with PONG.
internal sealed class RedisPingProbe(string host, int port) : IHealthProbe
{
    private static readonly byte[] Ping = Encoding.ASCII.GetBytes("*1\r\n$4\r\nPING\r\n");

    public async Task<HealthResult> CheckAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync(Ping, timeout.Token).ConfigureAwait(false);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
            var answer = Encoding.ASCII.GetString(buffer, 0, read).TrimEnd();
            return answer == "+PONG" ? HealthResult.Healthy : HealthResult.Unhealthy($"PING to {host}:{port} answered '{answer}'");
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return HealthResult.Unhealthy($"PING to {host}:{port} failed: {ex.Message}");
        }
    }
}

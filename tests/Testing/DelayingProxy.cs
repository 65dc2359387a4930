using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Testing;

/// <summary>
/// A TCP proxy on a loopback port in front of an HTTP server, for tests of slow answers: requests pass at once, and while
/// <see cref="AnswerDelay"/> is set each answer is held back that long before it is passed on (the server has already run
/// the request). Counts the POST requests that went through, so a test sees whether a client sent one again.
/// </summary>
public sealed class DelayingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _posts;
    private int _heldAnswers;

    public DelayingProxy(Uri upstream)
    {
        _upstream = upstream;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The proxy's base address: the upstream's paths, through the proxy.</summary>
    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>How long each answer is held back; zero passes answers at once.</summary>
    public TimeSpan AnswerDelay { get; set; }

    /// <summary>POST requests passed upstream so far.</summary>
    public int Posts => Volatile.Read(ref _posts);

    /// <summary>Answers held back and then passed on or dropped (the client had gone) so far.</summary>
    public int HeldAnswers => Volatile.Read(ref _heldAnswers);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(_upstream.Host, _upstream.Port, _stop.Token);
                var clientStream = client.GetStream();
                var serverStream = server.GetStream();
                var requests = PumpAsync(clientStream, serverStream, answers: false);
                var answers = PumpAsync(serverStream, clientStream, answers: true);
                await Task.WhenAny(requests, answers);
            }
            catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException)
            {
                // Either side went away: the other connection closes with this one.
            }
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool answers)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            if (!answers && Encoding.ASCII.GetString(buffer, 0, Math.Min(read, 5)) == "POST ")
            {
                Interlocked.Increment(ref _posts);
            }

            if (answers && AnswerDelay > TimeSpan.Zero)
            {
                await Task.Delay(AnswerDelay, _stop.Token);
                Interlocked.Increment(ref _heldAnswers);
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }
}

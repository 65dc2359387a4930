using System.Net;
using System.Net.Http.Headers;

namespace LibsqlClient.Hrana;

/// <summary>
/// A request body that can be sent only once. <see cref="SocketsHttpHandler"/> resends a request by itself when a reused
/// connection drops before the answer starts; for a write that the server already ran, that would run it twice.
/// </summary>
internal sealed class OneShotContent : HttpContent
{
    private readonly ReadOnlyMemory<byte> _body;
    private int _sent;

    public OneShotContent(ReadOnlyMemory<byte> body, MediaTypeHeaderValue type)
    {
        _body = body;
        Headers.ContentType = type;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _sent, 1) == 1)
        {
            throw new IOException("The pipeline was already sent once on a connection that then dropped; it is not sent again, because the server may have run it.");
        }

        await stream.WriteAsync(_body, cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return true;
    }
}

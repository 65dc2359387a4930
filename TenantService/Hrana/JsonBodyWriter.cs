using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace TenantService.Hrana;

/// <summary>
/// JSON written to a response body and sent on in pieces as it grows, so that a large answer is never held twice (its rows
/// and its text) before it leaves: a client that reads slowly holds the writer, not the service's memory.
/// </summary>
internal sealed class JsonBodyWriter(PipeWriter body, CancellationToken cancellationToken) : IDisposable
{
    // Large enough to keep writes few, small next to the response limits.
    private const int FlushBytes = 32 * 1024;

    // Bytes handed to the body since the last flush by JSON values already ended (cursor lines), less those of the current value flushed.
    private long _unflushed;

    public Utf8JsonWriter Json { get; } = new(body);

    /// <summary>Sends what is written so far once it reaches the flush size; called after each row.</summary>
    public ValueTask FlushIfFullAsync() => _unflushed + Json.BytesCommitted + Json.BytesPending >= FlushBytes ? FlushAsync() : ValueTask.CompletedTask;

    /// <summary>Ends the current JSON value with a newline and starts the next: the line-per-entry shape of <c>v3/cursor</c>.</summary>
    public void EndLine()
    {
        Json.Flush();
        _unflushed += Json.BytesCommitted + 1;
        body.Write("\n"u8);
        Json.Reset(body);
    }

    /// <summary>Sends everything written so far; the last call of a writer.</summary>
    public async ValueTask FlushAsync()
    {
        Json.Flush();
        _unflushed = -Json.BytesCommitted;
        await body.FlushAsync(cancellationToken);
    }

    public void Dispose() => Json.Dispose();
}

using System.Text;
using System.Text.Json;

namespace Gateway.Provisioning;

/// <summary>
/// Why tenantservice refused a create, for the log: the <c>error</c> of its <c>{"error": "..."}</c> body (contracts.md), or the
/// start of whatever else it sent. At most <see cref="MaxBodyBytes"/> are read and <see cref="MaxLength"/> characters kept.
/// </summary>
internal static class RefusalReason
{
    public const int MaxBodyBytes = 4096;

    public const int MaxLength = 500;

    public static async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await ReadStartAsync(response.Content, cancellationToken);
        var text = ErrorOf(body) ?? Encoding.UTF8.GetString(body);
        return text.Length > MaxLength ? text[..MaxLength] : text;
    }

    // A refusal is a sentence: a longer body is cut, never buffered whole.
    private static async Task<byte[]> ReadStartAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxBodyBytes];
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
        {
            filled += read;
        }

        return buffer[..filled];
    }

    private static string? ErrorOf(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement is { ValueKind: JsonValueKind.Object } root
                && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                ? error.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

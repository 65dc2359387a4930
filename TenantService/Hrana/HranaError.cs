using System.Text.Json;

namespace TenantService.Hrana;

/// <summary>The protocol's <c>Error</c> structure: an English message and a machine-readable code.</summary>
internal sealed record HranaError(string Message, string Code)
{
    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("message"u8, Message);
        writer.WriteString("code"u8, Code);
        writer.WriteEndObject();
    }
}

/// <summary>One stream request failed; the pipeline goes on with the next request.</summary>
internal sealed class HranaRequestException(HranaError error) : Exception(error.Message)
{
    public HranaError Error { get; } = error;

    public HranaRequestException(string message, string code) : this(new HranaError(message, code))
    {
    }
}

/// <summary>The request body breaks the protocol's structure: the whole pipeline is answered with 400.</summary>
internal sealed class HranaProtocolException(string message) : Exception(message);

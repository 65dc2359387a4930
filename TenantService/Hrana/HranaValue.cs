using System.Globalization;
using System.Text.Json;

namespace TenantService.Hrana;

/// <summary>The SQLite value types Hrana carries.</summary>
internal enum HranaValueKind
{
    Null,
    Integer,
    Float,
    Text,
    Blob,
}

/// <summary>One SQLite value as Hrana sends it: integers as decimal strings (full 64 bits), blobs as base64.</summary>
internal readonly record struct HranaValue(HranaValueKind Kind, long Integer = 0, double Float = 0, string? Text = null, byte[]? Blob = null)
{
    public static readonly HranaValue Null = new(HranaValueKind.Null);

    /// <summary>Reads <c>{"type": ..., "value"/"base64": ...}</c>; throws <see cref="HranaProtocolException"/> naming <paramref name="path"/>.</summary>
    public static HranaValue Parse(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new HranaProtocolException($"{path} must be a value object like {{\"type\": \"integer\", \"value\": \"1\"}}.");
        }

        var type = element.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString() : null;
        switch (type)
        {
            case "null":
                return Null;
            case "integer":
                var integer = Require(element, "value", path);
                // The spec sends a string; a plain JSON number is accepted as long as it is an exact integer.
                if (integer.ValueKind == JsonValueKind.String && long.TryParse(integer.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
                {
                    return new HranaValue(HranaValueKind.Integer, Integer: parsed);
                }

                if (integer.ValueKind == JsonValueKind.Number && integer.TryGetInt64(out parsed))
                {
                    return new HranaValue(HranaValueKind.Integer, Integer: parsed);
                }

                throw new HranaProtocolException($"{path}.value must be a 64-bit integer as a decimal string, like \"42\".");
            case "float":
                var number = Require(element, "value", path);
                if (number.ValueKind == JsonValueKind.Number && number.TryGetDouble(out var real))
                {
                    return new HranaValue(HranaValueKind.Float, Float: real);
                }

                throw new HranaProtocolException($"{path}.value must be a JSON number.");
            case "text":
                var text = Require(element, "value", path);
                return text.ValueKind == JsonValueKind.String
                    ? new HranaValue(HranaValueKind.Text, Text: text.GetString())
                    : throw new HranaProtocolException($"{path}.value must be a string.");
            case "blob":
                var base64 = Require(element, "base64", path);
                return base64.ValueKind == JsonValueKind.String && TryDecodeBase64(base64.GetString()!, out var bytes)
                    ? new HranaValue(HranaValueKind.Blob, Blob: bytes)
                    : throw new HranaProtocolException($"{path}.base64 must be a base64 string.");
            default:
                throw new HranaProtocolException($"{path}.type must be one of \"null\", \"integer\", \"float\", \"text\", \"blob\".");
        }
    }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        switch (Kind)
        {
            case HranaValueKind.Integer:
                writer.WriteString("type"u8, "integer"u8);
                Span<byte> digits = stackalloc byte[24];
                Integer.TryFormat(digits, out var written, provider: CultureInfo.InvariantCulture);
                writer.WriteString("value"u8, digits[..written]);
                break;
            case HranaValueKind.Float:
                writer.WriteString("type"u8, "float"u8);
                // JSON has no NaN or infinity; SQLite turns NaN into NULL already, infinities are sent as the largest doubles.
                writer.WriteNumber("value"u8, double.IsFinite(Float) ? Float : Float > 0 ? double.MaxValue : double.MinValue);
                break;
            case HranaValueKind.Text:
                writer.WriteString("type"u8, "text"u8);
                writer.WriteString("value"u8, Text);
                break;
            case HranaValueKind.Blob:
                writer.WriteString("type"u8, "blob"u8);
                // Encoded straight into the output: no base64 string a third larger than the blob (twice that in UTF-16).
                writer.WriteBase64String("base64"u8, Blob);
                break;
            default:
                writer.WriteString("type"u8, "null"u8);
                break;
        }

        writer.WriteEndObject();
    }

    private static JsonElement Require(JsonElement element, string name, string path) =>
        element.TryGetProperty(name, out var value) ? value : throw new HranaProtocolException($"{path}.{name} is required.");

    // Clients differ: padded or not, standard or URL-safe alphabet.
    private static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        var normalized = text.Replace('-', '+').Replace('_', '/').TrimEnd('=');
        normalized = (normalized.Length % 4) switch
        {
            2 => normalized + "==",
            3 => normalized + "=",
            _ => normalized,
        };
        var buffer = new byte[normalized.Length / 4 * 3 + 3];
        if (normalized.Length % 4 == 1 || !Convert.TryFromBase64String(normalized, buffer, out var length))
        {
            bytes = [];
            return false;
        }

        bytes = buffer.AsSpan(0, length).ToArray();
        return true;
    }
}

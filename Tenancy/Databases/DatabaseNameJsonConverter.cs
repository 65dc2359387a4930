using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tenancy.Databases;

/// <summary>Reads and writes a <see cref="DatabaseName"/> as a JSON string, validating it on read.</summary>
public sealed class DatabaseNameJsonConverter : JsonConverter<DatabaseName>
{
    /// <inheritdoc />
    public override DatabaseName Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DatabaseName.TryCreate(reader.GetString(), out var name, out var error) ? name : throw new JsonException(error);

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DatabaseName value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Value);
    }
}

using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace LibsqlClient.Hrana;

/// <summary>Writes a pipeline request body (Hrana JSON encoding) with <see cref="Utf8JsonWriter"/>.</summary>
internal static class PipelineWriter
{
    public static void Write(IBufferWriter<byte> output, string? baton, IReadOnlyList<PipelineRequest> requests, int version)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        writer.WriteStartObject();
        writer.WriteString("baton"u8, baton);
        writer.WriteStartArray("requests"u8);
        foreach (var request in requests)
        {
            writer.WriteStartObject();
            switch (request)
            {
                case PipelineRequest.Execute execute:
                    writer.WriteString("type"u8, "execute"u8);
                    writer.WritePropertyName("stmt"u8);
                    WriteStatement(writer, execute.Statement);
                    break;
                case PipelineRequest.RunBatch batch:
                    writer.WriteString("type"u8, "batch"u8);
                    writer.WritePropertyName("batch"u8);
                    WriteBatch(writer, batch.Batch, version);
                    break;
                default:
                    writer.WriteString("type"u8, "close"u8);
                    break;
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteBatch(Utf8JsonWriter writer, Batch batch, int version)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("steps"u8);
        foreach (var step in batch.Steps)
        {
            writer.WriteStartObject();
            if (step.Condition is { } condition)
            {
                writer.WritePropertyName("condition"u8);
                WriteCondition(writer, condition, version);
            }

            writer.WritePropertyName("stmt"u8);
            WriteStatement(writer, step.Statement);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteCondition(Utf8JsonWriter writer, BatchCondition condition, int version)
    {
        writer.WriteStartObject();
        switch (condition)
        {
            case BatchCondition.Ok ok:
                writer.WriteString("type"u8, "ok"u8);
                writer.WriteNumber("step"u8, ok.Step);
                break;
            case BatchCondition.Error error:
                writer.WriteString("type"u8, "error"u8);
                writer.WriteNumber("step"u8, error.Step);
                break;
            case BatchCondition.Not not:
                writer.WriteString("type"u8, "not"u8);
                writer.WritePropertyName("cond"u8);
                WriteCondition(writer, not.Condition, version);
                break;
            case BatchCondition.And and:
                writer.WriteString("type"u8, "and"u8);
                WriteConditions(writer, and.Conditions, version);
                break;
            case BatchCondition.Or or:
                writer.WriteString("type"u8, "or"u8);
                WriteConditions(writer, or.Conditions, version);
                break;
            case BatchCondition.IsAutocommit when version < 3:
                throw new NotSupportedException("The is_autocommit batch condition needs Hrana version 3; this server speaks only version 2.");
            case BatchCondition.IsAutocommit:
                writer.WriteString("type"u8, "is_autocommit"u8);
                break;
        }

        writer.WriteEndObject();
    }

    private static void WriteConditions(Utf8JsonWriter writer, IReadOnlyList<BatchCondition> conditions, int version)
    {
        writer.WriteStartArray("conds"u8);
        foreach (var condition in conditions)
        {
            WriteCondition(writer, condition, version);
        }

        writer.WriteEndArray();
    }

    private static void WriteStatement(Utf8JsonWriter writer, Statement statement)
    {
        writer.WriteStartObject();
        writer.WriteString("sql"u8, statement.Sql);
        if (statement.Args.Count > 0)
        {
            writer.WriteStartArray("args"u8);
            foreach (var value in statement.Args)
            {
                WriteValue(writer, value);
            }

            writer.WriteEndArray();
        }

        if (statement.NamedArgs is { Count: > 0 } named)
        {
            writer.WriteStartArray("named_args"u8);
            foreach (var (name, value) in named)
            {
                writer.WriteStartObject();
                writer.WriteString("name"u8, name);
                writer.WritePropertyName("value"u8);
                WriteValue(writer, value);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteBoolean("want_rows"u8, true);
        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, LibsqlValue value)
    {
        writer.WriteStartObject();
        switch (value.Kind)
        {
            case LibsqlValueKind.Integer:
                writer.WriteString("type"u8, "integer"u8);
                // A decimal string: JSON numbers lose integers past 2^53 in many readers.
                Span<byte> digits = stackalloc byte[20];
                value.AsInt64().TryFormat(digits, out var length, provider: CultureInfo.InvariantCulture);
                writer.WriteString("value"u8, digits[..length]);
                break;
            case LibsqlValueKind.Float:
                var number = value.AsDouble();
                if (!double.IsFinite(number))
                {
                    throw new ArgumentException($"{number} cannot be sent: JSON has no NaN or infinity. SQLite stores NaN as NULL; send null, or a finite number.");
                }

                writer.WriteString("type"u8, "float"u8);
                writer.WriteNumber("value"u8, number);
                break;
            case LibsqlValueKind.Text:
                writer.WriteString("type"u8, "text"u8);
                writer.WriteString("value"u8, value.AsString());
                break;
            case LibsqlValueKind.Blob:
                writer.WriteString("type"u8, "blob"u8);
                writer.WriteBase64String("base64"u8, value.AsBytes());
                break;
            default:
                writer.WriteString("type"u8, "null"u8);
                break;
        }

        writer.WriteEndObject();
    }
}

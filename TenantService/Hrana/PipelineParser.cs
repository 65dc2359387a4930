using System.Text.Json;

namespace TenantService.Hrana;

/// <summary>
/// Reads pipeline and cursor bodies (JSON encoding). Fields it does not know are ignored, as the spec asks;
/// a body that breaks the structure throws <see cref="HranaProtocolException"/> naming the field.
/// </summary>
internal static class PipelineParser
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    public static PipelineBody ParsePipeline(ReadOnlyMemory<byte> body)
    {
        using var document = Parse(body);
        var root = document.RootElement;
        var baton = ReadBaton(root);
        if (!root.TryGetProperty("requests", out var requests) || requests.ValueKind != JsonValueKind.Array)
        {
            throw new HranaProtocolException("'requests' is required: an array of stream requests.");
        }

        var parsed = new List<StreamRequest>(requests.GetArrayLength());
        var index = 0;
        foreach (var request in requests.EnumerateArray())
        {
            parsed.Add(ParseRequest(request, $"requests[{index++}]"));
        }

        return new PipelineBody(baton, parsed);
    }

    public static CursorBody ParseCursor(ReadOnlyMemory<byte> body)
    {
        using var document = Parse(body);
        var root = document.RootElement;
        return new CursorBody(ReadBaton(root), ParseBatch(Property(root, "batch", "body"), "batch"));
    }

    private static JsonDocument Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Options);
        }
        catch (JsonException exception)
        {
            throw new HranaProtocolException($"The request body is not valid JSON: {exception.Message}");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new HranaProtocolException("The request body must be a JSON object with 'baton' and 'requests'.");
        }

        return document;
    }

    private static string? ReadBaton(JsonElement root) =>
        !root.TryGetProperty("baton", out var baton) || baton.ValueKind == JsonValueKind.Null ? null
        : baton.ValueKind == JsonValueKind.String ? baton.GetString()
        : throw new HranaProtocolException("'baton' must be a string or null.");

    private static StreamRequest ParseRequest(JsonElement request, string path)
    {
        if (request.ValueKind != JsonValueKind.Object)
        {
            throw new HranaProtocolException($"{path} must be an object with a 'type'.");
        }

        var type = OptionalString(request, "type", path);
        return type switch
        {
            "close" => new CloseRequest(),
            "execute" => new ExecuteRequest(ParseStatement(Property(request, "stmt", path), $"{path}.stmt")),
            "batch" => ParseBatch(Property(request, "batch", path), $"{path}.batch"),
            "sequence" => new SequenceRequest(OptionalString(request, "sql", path), OptionalInt(request, "sql_id", path)),
            "describe" => new DescribeRequest(OptionalString(request, "sql", path), OptionalInt(request, "sql_id", path)),
            "store_sql" => new StoreSqlRequest(
                OptionalInt(request, "sql_id", path) ?? throw new HranaProtocolException($"{path}.sql_id is required."),
                OptionalString(request, "sql", path) ?? throw new HranaProtocolException($"{path}.sql is required.")),
            "close_sql" => new CloseSqlRequest(OptionalInt(request, "sql_id", path) ?? throw new HranaProtocolException($"{path}.sql_id is required.")),
            "get_autocommit" => new GetAutocommitRequest(),
            null => throw new HranaProtocolException($"{path}.type is required."),
            _ => throw new HranaProtocolException(
                $"{path}.type \"{type}\" is not a stream request; use execute, batch, sequence, describe, store_sql, close_sql, get_autocommit or close."),
        };
    }

    private static BatchRequest ParseBatch(JsonElement batch, string path)
    {
        var steps = Property(batch, "steps", path);
        if (steps.ValueKind != JsonValueKind.Array)
        {
            throw new HranaProtocolException($"{path}.steps must be an array.");
        }

        var parsed = new List<BatchStep>(steps.GetArrayLength());
        var index = 0;
        foreach (var step in steps.EnumerateArray())
        {
            var stepPath = $"{path}.steps[{index++}]";
            var condition = step.TryGetProperty("condition", out var c) && c.ValueKind != JsonValueKind.Null ? ParseCondition(c, $"{stepPath}.condition") : null;
            parsed.Add(new BatchStep(condition, ParseStatement(Property(step, "stmt", stepPath), $"{stepPath}.stmt")));
        }

        return new BatchRequest(parsed);
    }

    private static BatchCondition ParseCondition(JsonElement condition, string path)
    {
        if (condition.ValueKind != JsonValueKind.Object)
        {
            throw new HranaProtocolException($"{path} must be an object with a 'type'.");
        }

        return OptionalString(condition, "type", path) switch
        {
            "ok" => new BatchCondition.Ok(Step(condition, path)),
            "error" => new BatchCondition.Error(Step(condition, path)),
            "not" => new BatchCondition.Not(ParseCondition(Property(condition, "cond", path), $"{path}.cond")),
            "and" => new BatchCondition.And(ParseConditions(condition, path)),
            "or" => new BatchCondition.Or(ParseConditions(condition, path)),
            "is_autocommit" => new BatchCondition.IsAutocommit(),
            _ => throw new HranaProtocolException($"{path}.type must be one of ok, error, not, and, or, is_autocommit."),
        };
    }

    private static List<BatchCondition> ParseConditions(JsonElement condition, string path)
    {
        var conditions = Property(condition, "conds", path);
        if (conditions.ValueKind != JsonValueKind.Array)
        {
            throw new HranaProtocolException($"{path}.conds must be an array.");
        }

        var parsed = new List<BatchCondition>();
        var index = 0;
        foreach (var item in conditions.EnumerateArray())
        {
            parsed.Add(ParseCondition(item, $"{path}.conds[{index++}]"));
        }

        return parsed;
    }

    private static int Step(JsonElement condition, string path) =>
        Property(condition, "step", path) is { ValueKind: JsonValueKind.Number } step && step.TryGetInt32(out var value) && value >= 0
            ? value
            : throw new HranaProtocolException($"{path}.step must be a non-negative step index.");

    private static HranaStatement ParseStatement(JsonElement statement, string path)
    {
        if (statement.ValueKind != JsonValueKind.Object)
        {
            throw new HranaProtocolException($"{path} must be an object with 'sql' or 'sql_id'.");
        }

        var args = new List<HranaValue>();
        if (statement.TryGetProperty("args", out var positional) && positional.ValueKind != JsonValueKind.Null)
        {
            if (positional.ValueKind != JsonValueKind.Array)
            {
                throw new HranaProtocolException($"{path}.args must be an array of values.");
            }

            var index = 0;
            foreach (var value in positional.EnumerateArray())
            {
                args.Add(HranaValue.Parse(value, $"{path}.args[{index++}]"));
            }
        }

        var named = new List<KeyValuePair<string, HranaValue>>();
        if (statement.TryGetProperty("named_args", out var namedArgs) && namedArgs.ValueKind != JsonValueKind.Null)
        {
            if (namedArgs.ValueKind != JsonValueKind.Array)
            {
                throw new HranaProtocolException($"{path}.named_args must be an array of {{\"name\", \"value\"}}.");
            }

            var index = 0;
            foreach (var arg in namedArgs.EnumerateArray())
            {
                var argPath = $"{path}.named_args[{index++}]";
                var name = arg.ValueKind == JsonValueKind.Object ? OptionalString(arg, "name", argPath) : null;
                if (string.IsNullOrEmpty(name))
                {
                    throw new HranaProtocolException($"{argPath}.name is required.");
                }

                named.Add(new(name, HranaValue.Parse(Property(arg, "value", argPath), $"{argPath}.value")));
            }
        }

        var wantRows = !statement.TryGetProperty("want_rows", out var want) || want.ValueKind switch
        {
            JsonValueKind.False => false,
            JsonValueKind.True or JsonValueKind.Null => true,
            _ => throw new HranaProtocolException($"{path}.want_rows must be a boolean."),
        };
        return new HranaStatement(OptionalString(statement, "sql", path), OptionalInt(statement, "sql_id", path), args, named, wantRows);
    }

    private static JsonElement Property(JsonElement element, string name, string path) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new HranaProtocolException($"{path}.{name} is required.");

    private static string? OptionalString(JsonElement element, string name, string path) =>
        !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new HranaProtocolException($"{path}.{name} must be a string.");

    private static int? OptionalInt(JsonElement element, string name, string path) =>
        !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number
        : throw new HranaProtocolException($"{path}.{name} must be a 32-bit integer.");
}

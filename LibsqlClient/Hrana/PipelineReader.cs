using System.Globalization;
using System.Text.Json;

namespace LibsqlClient.Hrana;

/// <summary>
/// Reads a pipeline response (Hrana JSON encoding) with <see cref="Utf8JsonReader"/>. The requests say what shape each
/// result has, so fields may come in any order; fields it does not know are skipped, as the spec asks.
/// </summary>
internal static class PipelineReader
{
    public static PipelineResponse Read(ReadOnlySpan<byte> json, IReadOnlyList<PipelineRequest> requests)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        string? baton = null, baseUrl = null;
        var results = new object?[requests.Count];
        var count = 0;
        Expect(ref reader, JsonTokenType.StartObject);
        while (NextField(ref reader) is var name and not Field.End)
        {
            switch (name)
            {
                case Field.Baton:
                    baton = reader.GetString();
                    break;
                case Field.BaseUrl:
                    baseUrl = reader.GetString();
                    break;
                case Field.Results:
                    Require(reader.TokenType == JsonTokenType.StartArray, "results must be an array");
                    while (Read(ref reader) != JsonTokenType.EndArray)
                    {
                        Require(count < requests.Count, $"the server sent more results than the {requests.Count} requests");
                        results[count] = ReadResult(ref reader, requests[count]);
                        count++;
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        Require(count == requests.Count, $"the server sent {count} results for {requests.Count} requests");
        return new PipelineResponse(baton, baseUrl, results);
    }

    /// <summary>An HTTP error body in the protocol's <c>Error</c> shape: <c>{"message", "code"}</c>; null if it is not one.</summary>
    public static (string Message, string? Code)? ReadHttpError(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            Expect(ref reader, JsonTokenType.StartObject);
            var (message, code) = ReadError(ref reader);
            return message is null ? null : (message, code);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (LibsqlException)
        {
            return null;
        }
    }

    private static object? ReadResult(ref Utf8JsonReader reader, PipelineRequest request)
    {
        Require(reader.TokenType == JsonTokenType.StartObject, "each result must be an object");
        object? result = null;
        while (NextField(ref reader) is var name and not Field.End)
        {
            switch (name)
            {
                case Field.Response:
                    result = ReadResponse(ref reader, request);
                    break;
                case Field.Error:
                    result = SqlError(ref reader);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return result;
    }

    private static object? ReadResponse(ref Utf8JsonReader reader, PipelineRequest request)
    {
        Require(reader.TokenType == JsonTokenType.StartObject, "a response must be an object");
        object? result = null;
        while (NextField(ref reader) is var name and not Field.End)
        {
            if (name == Field.Result && request is PipelineRequest.Execute)
            {
                result = ReadStatementResult(ref reader);
            }
            else if (name == Field.Result && request is PipelineRequest.RunBatch)
            {
                result = ReadBatchResult(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        return result;
    }

    private static BatchResult ReadBatchResult(ref Utf8JsonReader reader)
    {
        var results = new List<ResultSet?>();
        var errors = new List<LibsqlSqlException?>();
        while (NextField(ref reader) is var name and not Field.End)
        {
            switch (name)
            {
                case Field.StepResults:
                    while (Read(ref reader) != JsonTokenType.EndArray)
                    {
                        results.Add(reader.TokenType == JsonTokenType.Null ? null : ReadStatementResult(ref reader));
                    }

                    break;
                case Field.StepErrors:
                    while (Read(ref reader) != JsonTokenType.EndArray)
                    {
                        errors.Add(reader.TokenType == JsonTokenType.Null ? null : SqlError(ref reader));
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        // A server may omit trailing nulls; both lists cover every step the longer one names.
        while (errors.Count < results.Count)
        {
            errors.Add(null);
        }

        while (results.Count < errors.Count)
        {
            results.Add(null);
        }

        return new BatchResult(results, errors);
    }

    private static ResultSet ReadStatementResult(ref Utf8JsonReader reader)
    {
        Require(reader.TokenType == JsonTokenType.StartObject, "a statement result must be an object");
        var columns = new List<Column>();
        var rows = new List<LibsqlValue[]>();
        long affected = 0;
        long? lastRowId = null;
        while (NextField(ref reader) is var name and not Field.End)
        {
            switch (name)
            {
                case Field.Cols:
                    while (Read(ref reader) != JsonTokenType.EndArray)
                    {
                        columns.Add(ReadColumn(ref reader));
                    }

                    break;
                case Field.Rows:
                    while (Read(ref reader) != JsonTokenType.EndArray)
                    {
                        var row = new List<LibsqlValue>(columns.Count);
                        while (Read(ref reader) != JsonTokenType.EndArray)
                        {
                            row.Add(ReadValue(ref reader));
                        }

                        rows.Add([.. row]);
                    }

                    break;
                case Field.AffectedRowCount:
                    affected = reader.GetInt64();
                    break;
                case Field.LastInsertRowid:
                    lastRowId = reader.TokenType switch
                    {
                        JsonTokenType.Null => null,
                        JsonTokenType.Number => reader.GetInt64(),
                        _ => long.Parse(reader.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                    };
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        // Columns may follow rows in the text; rows take their names when both are known.
        return new ResultSet(columns, rows.ConvertAll(values => new Row(columns, values)), affected, lastRowId);
    }

    private static Column ReadColumn(ref Utf8JsonReader reader)
    {
        string? name = null, declType = null;
        while (NextField(ref reader) is var property and not Field.End)
        {
            switch (property)
            {
                case Field.Name:
                    name = reader.GetString();
                    break;
                case Field.Decltype:
                    declType = reader.GetString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new Column(name, declType);
    }

    private static LibsqlValue ReadValue(ref Utf8JsonReader reader)
    {
        Require(reader.TokenType == JsonTokenType.StartObject, "a value must be an object");
        string? type = null, text = null;
        double number = 0;
        byte[]? blob = null;
        while (NextField(ref reader) is var name and not Field.End)
        {
            switch (name)
            {
                case Field.Type:
                    type = reader.GetString();
                    break;
                case Field.Value when reader.TokenType == JsonTokenType.String:
                    text = reader.GetString();
                    break;
                case Field.Value when reader.TokenType == JsonTokenType.Number:
                    number = reader.GetDouble();
                    // An integer sent as a JSON number is kept exact when it fits.
                    text = reader.TryGetInt64(out var integer) ? integer.ToString(CultureInfo.InvariantCulture) : null;
                    break;
                case Field.Base64:
                    blob = DecodeBase64(reader.GetString()!);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return type switch
        {
            "null" => LibsqlValue.Null,
            "integer" when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => integer,
            "float" => number,
            "text" when text is not null => text,
            "blob" when blob is not null => blob,
            _ => throw Malformed($"a value of type '{type}' lacks a usable value"),
        };
    }

    private static LibsqlSqlException SqlError(ref Utf8JsonReader reader)
    {
        var (message, code) = ReadError(ref reader);
        return new LibsqlSqlException(code ?? "UNKNOWN", message ?? "The server reported an error without a message.");
    }

    private static (string? Message, string? Code) ReadError(ref Utf8JsonReader reader)
    {
        string? message = null, code = null;
        while (NextField(ref reader) is var name and not Field.End)
        {
            switch (name)
            {
                case Field.Message:
                    message = reader.GetString();
                    break;
                case Field.Code:
                    code = reader.GetString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return (message, code);
    }

    // Servers differ: padded or not, standard or URL-safe alphabet.
    private static byte[] DecodeBase64(string text)
    {
        var normalized = text.Replace('-', '+').Replace('_', '/').TrimEnd('=');
        normalized += (normalized.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
        return Convert.FromBase64String(normalized);
    }

    // Moves to the next property of the current object and onto its value; End at the object's end.
    private static Field NextField(ref Utf8JsonReader reader)
    {
        if (Read(ref reader) == JsonTokenType.EndObject)
        {
            return Field.End;
        }

        // Names are compared as UTF-8 bytes: no string per property.
        ReadOnlySpan<byte> span = reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;
        // Most frequent first: every value has a type and a value.
        var field = span.IsEmpty ? Field.Other
            : span.SequenceEqual("type"u8) ? Field.Type
            : span.SequenceEqual("value"u8) ? Field.Value
            : span.SequenceEqual("base64"u8) ? Field.Base64
            : span.SequenceEqual("baton"u8) ? Field.Baton
            : span.SequenceEqual("base_url"u8) ? Field.BaseUrl
            : span.SequenceEqual("results"u8) ? Field.Results
            : span.SequenceEqual("response"u8) ? Field.Response
            : span.SequenceEqual("error"u8) ? Field.Error
            : span.SequenceEqual("result"u8) ? Field.Result
            : span.SequenceEqual("step_results"u8) ? Field.StepResults
            : span.SequenceEqual("step_errors"u8) ? Field.StepErrors
            : span.SequenceEqual("cols"u8) ? Field.Cols
            : span.SequenceEqual("rows"u8) ? Field.Rows
            : span.SequenceEqual("affected_row_count"u8) ? Field.AffectedRowCount
            : span.SequenceEqual("last_insert_rowid"u8) ? Field.LastInsertRowid
            : span.SequenceEqual("name"u8) ? Field.Name
            : span.SequenceEqual("decltype"u8) ? Field.Decltype
            : span.SequenceEqual("message"u8) ? Field.Message
            : span.SequenceEqual("code"u8) ? Field.Code
            : Field.Other;
        Read(ref reader);
        return field;
    }

    private enum Field
    {
        End,
        Other,
        Baton, BaseUrl, Results, Response, Error, Result, StepResults, StepErrors, Cols, Rows, AffectedRowCount, LastInsertRowid, Name, Decltype, Type, Value, Base64, Message, Code,
    }

    private static JsonTokenType Read(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw Malformed("the answer ended early");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type) =>
        Require(Read(ref reader) == type, $"expected {type}");

    private static void Require(bool condition, string problem)
    {
        if (!condition)
        {
            throw Malformed(problem);
        }
    }

    private static LibsqlException Malformed(string problem) =>
        new("PROTOCOL_ERROR", $"The server's answer is not a Hrana pipeline response: {problem}.");
}

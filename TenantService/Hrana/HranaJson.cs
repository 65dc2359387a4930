using System.Globalization;
using System.Text.Json;

namespace TenantService.Hrana;

/// <summary>Writes the protocol's response structures with <see cref="Utf8JsonWriter"/>, field names as the spec spells them.</summary>
internal static class HranaJson
{
    public static async ValueTask WritePipelineAsync(JsonBodyWriter output, string? baton, IReadOnlyList<StreamOutcome> outcomes)
    {
        var writer = output.Json;
        writer.WriteStartObject();
        WriteBaton(writer, baton);
        writer.WriteStartArray("results"u8);
        foreach (var outcome in outcomes)
        {
            writer.WriteStartObject();
            if (outcome.Error is { } error)
            {
                writer.WriteString("type"u8, "error"u8);
                writer.WritePropertyName("error"u8);
                error.WriteTo(writer);
            }
            else
            {
                writer.WriteString("type"u8, "ok"u8);
                writer.WritePropertyName("response"u8);
                await WriteResponseAsync(output, outcome.Response!);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteBaton(Utf8JsonWriter writer, string? baton)
    {
        writer.WriteString("baton"u8, baton);
        // Every stream lives in this process and is reached through the same URL.
        writer.WriteNull("base_url"u8);
    }

    public static async ValueTask WriteResponseAsync(JsonBodyWriter output, StreamResponse response)
    {
        var writer = output.Json;
        writer.WriteStartObject();
        writer.WriteString("type"u8, response.Type);
        if (response.Result is { } result)
        {
            writer.WritePropertyName("result"u8);
            await WriteStmtResultAsync(output, result);
        }
        else if (response.Batch is { } batch)
        {
            writer.WritePropertyName("result"u8);
            await WriteBatchResultAsync(output, batch);
        }
        else if (response.Describe is { } describe)
        {
            writer.WritePropertyName("result"u8);
            WriteDescribeResult(writer, describe);
        }
        else if (response.IsAutocommit is { } autocommit)
        {
            writer.WriteBoolean("is_autocommit"u8, autocommit);
        }

        writer.WriteEndObject();
    }

    public static async ValueTask WriteStmtResultAsync(JsonBodyWriter output, StmtResult result)
    {
        var writer = output.Json;
        writer.WriteStartObject();
        WriteColumns(writer, result.Columns);
        writer.WriteStartArray("rows"u8);
        foreach (var row in result.Rows)
        {
            WriteRow(writer, row);
            await output.FlushIfFullAsync();
        }

        writer.WriteEndArray();
        WriteCounts(writer, result);
        writer.WriteEndObject();
    }

    public static void WriteColumns(Utf8JsonWriter writer, IReadOnlyList<ResultColumn> columns)
    {
        writer.WriteStartArray("cols"u8);
        foreach (var column in columns)
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, column.Name);
            writer.WriteString("decltype"u8, column.DeclType);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    public static void WriteRow(Utf8JsonWriter writer, HranaValue[] row)
    {
        writer.WriteStartArray();
        foreach (var value in row)
        {
            value.WriteTo(writer);
        }

        writer.WriteEndArray();
    }

    public static void WriteCounts(Utf8JsonWriter writer, StmtResult result)
    {
        writer.WriteNumber("affected_row_count"u8, result.AffectedRowCount);
        if (result.LastInsertRowid is { } rowid)
        {
            writer.WriteString("last_insert_rowid"u8, rowid.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNull("last_insert_rowid"u8);
        }

        writer.WriteNull("replication_index"u8);
        writer.WriteNumber("rows_read"u8, result.RowsRead);
        writer.WriteNumber("rows_written"u8, result.RowsWritten);
        writer.WriteNumber("query_duration_ms"u8, Math.Round(result.DurationMs, 3));
    }

    public static async ValueTask WriteBatchResultAsync(JsonBodyWriter output, BatchResult batch)
    {
        var writer = output.Json;
        writer.WriteStartObject();
        writer.WriteStartArray("step_results"u8);
        foreach (var result in batch.StepResults)
        {
            if (result is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                await WriteStmtResultAsync(output, result);
            }
        }

        writer.WriteEndArray();
        writer.WriteStartArray("step_errors"u8);
        foreach (var error in batch.StepErrors)
        {
            if (error is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                error.WriteTo(writer);
            }
        }

        writer.WriteEndArray();
        writer.WriteNull("replication_index"u8);
        writer.WriteEndObject();
    }

    public static void WriteDescribeResult(Utf8JsonWriter writer, DescribeResult describe)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("params"u8);
        foreach (var name in describe.Parameters)
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, name);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("cols"u8);
        foreach (var column in describe.Columns)
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, column.Name ?? "");
            writer.WriteString("decltype"u8, column.DeclType);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteBoolean("is_explain"u8, describe.IsExplain);
        writer.WriteBoolean("is_readonly"u8, describe.IsReadOnly);
        writer.WriteEndObject();
    }

    /// <summary>A batch as <c>v3/cursor</c> entries: step_begin, row..., step_end or step_error per executed step, one per line.</summary>
    public static async ValueTask WriteCursorEntriesAsync(JsonBodyWriter output, BatchResult batch)
    {
        var writer = output.Json;
        for (var step = 0; step < batch.StepResults.Count; step++)
        {
            if (batch.StepErrors[step] is { } error)
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, "step_error"u8);
                writer.WriteNumber("step"u8, step);
                writer.WritePropertyName("error"u8);
                error.WriteTo(writer);
                writer.WriteEndObject();
                output.EndLine();
                continue;
            }

            if (batch.StepResults[step] is not { } result)
            {
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("type"u8, "step_begin"u8);
            writer.WriteNumber("step"u8, step);
            WriteColumns(writer, result.Columns);
            writer.WriteEndObject();
            output.EndLine();
            foreach (var row in result.Rows)
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, "row"u8);
                writer.WritePropertyName("row"u8);
                WriteRow(writer, row);
                writer.WriteEndObject();
                output.EndLine();
                await output.FlushIfFullAsync();
            }

            writer.WriteStartObject();
            writer.WriteString("type"u8, "step_end"u8);
            WriteCounts(writer, result);
            writer.WriteEndObject();
            output.EndLine();
        }
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Testing;

namespace LibsqlClient.Tests;

/// <summary>
/// tests/LibsqlClient/conformance-corpus.json (DDL, inserts and selects of every type, and failing statements) run through
/// this client and through the official <c>@libsql/client</c>, each on a fresh database of the same server: every
/// statement gives the same columns, rows, counts, and error codes and messages. (A -0.0 argument is left out: the
/// official client sends it as 0, since JSON.stringify(-0) is "0"; this client keeps the sign, see ValueTests.)
/// </summary>
[Collection(LibsqlServerCollection.Name)]
public sealed class ConformanceTests(LibsqlServerFixture server)
{
    [Fact]
    public async Task EveryCorpusStatementGivesWhatTheOfficialClientGives()
    {
        var (exitCode, output, stderr) = await OfficialLibsqlClient.RunAsync(
            "conformance.mjs", server.Url(await server.CreateDatabaseAsync("conformance-js")), LibsqlServerFixture.PlatformToken, "conformance-corpus.json");
        Assert.True(exitCode == 0, $"node conformance.mjs exited with {exitCode}:\n{stderr}\n{output}");
        var official = JsonNode.Parse(output)!.AsArray();
        using var db = server.Open(await server.CreateDatabaseAsync("conformance-dotnet"));
        var corpus = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "LibsqlClient", "conformance-corpus.json")))!.AsArray();

        Assert.Equal(corpus.Count, official.Count);
        var errors = 0;
        for (var i = 0; i < corpus.Count; i++)
        {
            var ours = await RunAsync(db, corpus[i]!);
            errors += ours["error"] is null ? 0 : 1;
            Assert.True(JsonNode.DeepEquals(official[i], ours),
                $"statement {i} ({corpus[i]!["sql"]}):\n  @libsql/client: {official[i]!.ToJsonString()}\n  LibsqlClient:   {ours.ToJsonString()}");
        }

        // The corpus keeps its failing statements: they are half of what is compared.
        Assert.True(errors >= 8, $"only {errors} corpus statements failed");
    }

    private static async Task<JsonObject> RunAsync(LibsqlDatabase db, JsonNode entry)
    {
        var sql = entry["sql"]!.GetValue<string>();
        var statement = entry["named"] is JsonObject named
            ? new Statement(sql, named.ToDictionary(p => p.Key, p => ToValue(p.Value)))
            : new Statement(sql, (entry["args"]?.AsArray() ?? []).Select(ToValue).ToArray());
        try
        {
            var result = await db.ExecuteAsync(statement);
            return new JsonObject
            {
                ["columns"] = new JsonArray([.. result.Columns.Select(c => JsonValue.Create(c.Name ?? ""))]),
                ["columnTypes"] = new JsonArray([.. result.Columns.Select(c => JsonValue.Create(c.DeclType ?? ""))]),
                ["rows"] = new JsonArray([.. result.Rows.Select(row => new JsonArray([.. row.Select(FromValue)]))]),
                ["rowsAffected"] = result.RowsAffected,
                ["lastInsertRowid"] = result.LastInsertRowId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
        }
        catch (LibsqlException error)
        {
            return new JsonObject { ["error"] = new JsonObject { ["code"] = error.Code, ["message"] = error.Message } };
        }
    }

    private static LibsqlValue ToValue(JsonNode? node) => node switch
    {
        null => LibsqlValue.Null,
        JsonObject o when o["integer"] is { } integer => long.Parse(integer.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
        JsonObject o when o["float"] is { } number => number.GetValue<double>(),
        JsonObject o when o["text"] is { } text => text.GetValue<string>(),
        JsonObject o when o["blob"] is { } blob => Convert.FromBase64String(blob.GetValue<string>()),
        _ => throw new JsonException($"Unknown corpus value {node.ToJsonString()}"),
    };

    private static JsonNode? FromValue(LibsqlValue value) => value.Kind switch
    {
        LibsqlValueKind.Null => null,
        LibsqlValueKind.Integer => new JsonObject { ["integer"] = value.ToString() },
        LibsqlValueKind.Float => new JsonObject { ["float"] = ((ulong)BitConverter.DoubleToInt64Bits(value.AsDouble())).ToString("x16", System.Globalization.CultureInfo.InvariantCulture) },
        LibsqlValueKind.Text => new JsonObject { ["text"] = value.AsString() },
        _ => new JsonObject { ["blob"] = Convert.ToBase64String(value.AsBytes()) },
    };
}

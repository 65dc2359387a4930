using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Hrana.Tests;

/// <summary>
/// A minimal Hrana-over-HTTP client written from the specification alone (JSON encoding): it keeps the baton
/// between pipelines as libSQL clients do, and builds requests and values by hand.
/// </summary>
public sealed class HranaClient(HttpClient http, string database, string version = "v2")
{
    public string? Baton { get; set; }

    public string PipelinePath => $"/db/{database}/{version}/pipeline";

    /// <summary>Sends a pipeline on the current stream (a new one when the baton is null) and keeps the returned baton.</summary>
    public async Task<JsonArray> PipelineAsync(params JsonObject[] requests)
    {
        using var response = await SendAsync(requests);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"pipeline: {(int)response.StatusCode} {text}");
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.True(body.ContainsKey("base_url"));
        Baton = (string?)body["baton"];
        var results = body["results"]!.AsArray();
        Assert.Equal(requests.Length, results.Count);
        return results;
    }

    public Task<HttpResponseMessage> SendAsync(params JsonObject[] requests)
    {
        var body = new JsonObject { ["baton"] = Baton, ["requests"] = new JsonArray(requests.Select(r => (JsonNode)r.DeepClone()).ToArray()) };
        return PostRawAsync(body.ToJsonString());
    }

    public Task<HttpResponseMessage> PostRawAsync(string body) =>
        http.PostAsync(PipelinePath, new StringContent(body, Encoding.UTF8, "application/json"));

    /// <summary>Runs one statement on a fresh stream, closes it, and returns the statement's result.</summary>
    public async Task<JsonObject> QueryAsync(string sql, params JsonNode[] args)
    {
        Baton = null;
        var results = await PipelineAsync(Execute(sql, args), Close());
        Assert.Null(Baton);
        return Ok(results[0])["result"]!.AsObject();
    }

    public static JsonObject Execute(string sql, params JsonNode[] args) => new()
    {
        ["type"] = "execute",
        ["stmt"] = Stmt(sql, args),
    };

    public static JsonObject Stmt(string sql, params JsonNode[] args) => new()
    {
        ["sql"] = sql,
        ["args"] = new JsonArray(args.Select(a => (JsonNode)a.DeepClone()).ToArray()),
    };

    public static JsonObject Named(string sql, params (string Name, JsonNode Value)[] args) => new()
    {
        ["sql"] = sql,
        ["named_args"] = new JsonArray(args.Select(a => (JsonNode)new JsonObject { ["name"] = a.Name, ["value"] = a.Value.DeepClone() }).ToArray()),
    };

    public static JsonObject Batch(params (JsonObject? Condition, JsonObject Stmt)[] steps) => new()
    {
        ["type"] = "batch",
        ["batch"] = new JsonObject
        {
            ["steps"] = new JsonArray(steps.Select(s => (JsonNode)new JsonObject { ["condition"] = s.Condition?.DeepClone(), ["stmt"] = s.Stmt.DeepClone() }).ToArray()),
        },
    };

    public static JsonObject Close() => new() { ["type"] = "close" };

    public static JsonObject Sequence(string sql) => new() { ["type"] = "sequence", ["sql"] = sql };

    public static JsonObject Describe(string sql) => new() { ["type"] = "describe", ["sql"] = sql };

    public static JsonObject StoreSql(int id, string sql) => new() { ["type"] = "store_sql", ["sql_id"] = id, ["sql"] = sql };

    public static JsonObject CloseSql(int id) => new() { ["type"] = "close_sql", ["sql_id"] = id };

    public static JsonObject GetAutocommit() => new() { ["type"] = "get_autocommit" };

    public static JsonObject OkCond(int step) => new() { ["type"] = "ok", ["step"] = step };

    public static JsonObject ErrorCond(int step) => new() { ["type"] = "error", ["step"] = step };

    public static JsonObject Not(JsonObject cond) => new() { ["type"] = "not", ["cond"] = cond };

    public static JsonObject And(params JsonObject[] conds) => new() { ["type"] = "and", ["conds"] = new JsonArray(conds.Select(c => (JsonNode)c).ToArray()) };

    public static JsonObject Or(params JsonObject[] conds) => new() { ["type"] = "or", ["conds"] = new JsonArray(conds.Select(c => (JsonNode)c).ToArray()) };

    public static JsonObject IsAutocommit() => new() { ["type"] = "is_autocommit" };

    public static JsonObject Null() => new() { ["type"] = "null" };

    public static JsonObject Int(long value) => new() { ["type"] = "integer", ["value"] = value.ToString(CultureInfo.InvariantCulture) };

    public static JsonObject Float(double value) => new() { ["type"] = "float", ["value"] = value };

    public static JsonObject Text(string value) => new() { ["type"] = "text", ["value"] = value };

    public static JsonObject Blob(byte[] value) => new() { ["type"] = "blob", ["base64"] = Convert.ToBase64String(value) };

    /// <summary>The response of a result that must be ok.</summary>
    public static JsonObject Ok(JsonNode? result)
    {
        Assert.True((string?)result?["type"] == "ok", $"expected ok, got {result?.ToJsonString()}");
        return result!["response"]!.AsObject();
    }

    /// <summary>The error of a result that must have failed.</summary>
    public static JsonObject Error(JsonNode? result)
    {
        Assert.True((string?)result?["type"] == "error", $"expected an error, got {result?.ToJsonString()}");
        var error = result!["error"]!.AsObject();
        Assert.False(string.IsNullOrEmpty((string?)error["message"]));
        return error;
    }

    /// <summary>A protocol value as a .NET value: long, double, string, byte[] or null.</summary>
    public static object? Decode(JsonNode? value) => (string?)value!["type"] switch
    {
        "null" => null,
        "integer" => long.Parse((string)value["value"]!, CultureInfo.InvariantCulture),
        "float" => (double)value["value"]!,
        "text" => (string)value["value"]!,
        "blob" => Convert.FromBase64String(PadBase64((string)value["base64"]!)),
        var other => throw new InvalidOperationException($"unknown value type {other}"),
    };

    public static List<object?[]> Rows(JsonObject result) =>
        result["rows"]!.AsArray().Select(row => row!.AsArray().Select(Decode).ToArray()).ToList();

    public static object? Scalar(JsonObject result) => Rows(result).Single().Single();

    private static string PadBase64(string text) => (text.Length % 4) switch
    {
        2 => text + "==",
        3 => text + "=",
        _ => text,
    };
}

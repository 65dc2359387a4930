using System.Text.Json.Serialization;

namespace TenantService.Apis;

/// <summary>The body of <c>POST /v1/organizations/{org}/databases</c>.</summary>
internal sealed record CreateDatabaseRequest
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("group")]
    public string? Group { get; init; }

    [JsonPropertyName("is_schema")]
    public bool? IsSchema { get; init; }

    [JsonPropertyName("schema")]
    public string? Schema { get; init; }

    [JsonPropertyName("seed")]
    public DatabaseSeed? Seed { get; init; }
}

/// <summary>Where a new database's content comes from: <c>{"type": "database", "name": "..."}</c>.</summary>
internal sealed record DatabaseSeed
{
    public const string DatabaseType = "database";

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }
}

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

/// <summary>
/// Where a new database's content comes from: <c>{"type": "database", "name", "timestamp"?}</c> (a live database, now or
/// as of its latest snapshot at or before the time) or <c>{"type": "backup", "name", "timestamp"?}</c> (the snapshots of
/// a database, deleted or not: an undelete).
/// </summary>
internal sealed record DatabaseSeed
{
    public const string DatabaseType = "database";

    public const string BackupType = "backup";

    [JsonPropertyName("timestamp")]
    public string? Timestamp { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }
}

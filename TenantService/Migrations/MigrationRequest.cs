using System.Text.Json.Serialization;

namespace TenantService.Migrations;

/// <summary>The body of <c>POST /v1/organizations/{org}/databases/{schema}/migrations</c>.</summary>
internal sealed record MigrationRequest
{
    [JsonPropertyName("sql")]
    public string? Sql { get; init; }

    [JsonPropertyName("dry_run")]
    public bool? DryRun { get; init; }

    /// <summary><c>rolling</c> (default) or <c>all</c>.</summary>
    [JsonPropertyName("lock")]
    public string? Lock { get; init; }

    /// <summary>Answer with the finished job instead of as soon as it is queued.</summary>
    [JsonPropertyName("wait")]
    public bool? Wait { get; init; }
}

using System.Text.Json.Serialization;

namespace TenantService.Migrations;

/// <summary><c>{"job_id", "status"}</c>: a job in a list, or the answer to a submission or retry.</summary>
internal sealed record MigrationJobSummary(
    [property: JsonPropertyName("job_id")] long JobId,
    [property: JsonPropertyName("status")] string Status);

/// <summary><c>{"schema_version", "migrations": [...]}</c>, newest job first.</summary>
internal sealed record MigrationJobList(
    [property: JsonPropertyName("schema_version")] int SchemaVersion,
    [property: JsonPropertyName("migrations")] IReadOnlyList<MigrationJobSummary> Migrations);

/// <summary>
/// One job with one progress entry per database. Beyond libSQL's shape: <c>queued_behind</c>, the job it waits for while
/// queued, and <c>target_version</c>, the schema version it moves to (fixed when it starts).
/// </summary>
internal sealed record MigrationJobView(
    [property: JsonPropertyName("job_id")] long JobId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    [property: JsonPropertyName("queued_behind"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? QueuedBehind,
    [property: JsonPropertyName("target_version"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? TargetVersion,
    [property: JsonPropertyName("progress")] IReadOnlyList<MigrationTaskView> Progress);

/// <summary><c>{"namespace", "status", "error"?}</c>: one database's task.</summary>
internal sealed record MigrationTaskView(
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error);

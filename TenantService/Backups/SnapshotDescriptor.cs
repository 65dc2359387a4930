using System.Text.Json.Serialization;

namespace TenantService.Backups;

/// <summary>What a database was, kept beside its snapshots: <c>{"kind", "schema", "group"}</c>.</summary>
internal sealed record SnapshotDescriptor(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("schema")] string? Schema,
    [property: JsonPropertyName("group")] string Group);

using System.Text.Json.Serialization;

namespace TenantService.Apis;

/// <summary>
/// A database as the platform API shows it; Turso's mixed casing is part of the contract. <c>storage</c> is where it lives:
/// <c>local</c> (this node's files) or the storage backend's name.
/// </summary>
internal sealed record DatabaseView(
    [property: JsonPropertyName("DbId")] string DbId,
    [property: JsonPropertyName("Hostname")] string Hostname,
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("group")] string Group,
    [property: JsonPropertyName("schema")] string? Schema,
    [property: JsonPropertyName("is_schema")] bool IsSchema,
    [property: JsonPropertyName("block_reads")] bool BlockReads,
    [property: JsonPropertyName("block_writes")] bool BlockWrites,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("storage")] string Storage);

/// <summary><c>{"database": db}</c>.</summary>
internal sealed record DatabaseResponse([property: JsonPropertyName("database")] DatabaseView Database);

/// <summary><c>{"databases": [db, ...]}</c>.</summary>
internal sealed record DatabaseListResponse([property: JsonPropertyName("databases")] IReadOnlyList<DatabaseView> Databases);

/// <summary><c>{"database": "name"}</c>, the answer to a delete.</summary>
internal sealed record DeletedDatabaseResponse([property: JsonPropertyName("database")] string Database);

using System.Text.Json.Serialization;

namespace TenantService.Storage;

/// <summary>The body of a create on a backend: a plain database; its tables come over libSQL afterwards.</summary>
internal sealed record BackendCreateRequest([property: JsonPropertyName("name")] string Name);

/// <summary>A database as a backend's Platform API shows it (Turso's casing); only what this node reads.</summary>
internal sealed record BackendDatabase(
    [property: JsonPropertyName("Name")] string? Name,
    [property: JsonPropertyName("Hostname")] string? Hostname,
    [property: JsonPropertyName("DbId")] string? DbId);

/// <summary><c>{"database": db}</c> from a backend.</summary>
internal sealed record BackendDatabaseResponse([property: JsonPropertyName("database")] BackendDatabase? Database);

/// <summary><c>{"databases": [db, ...]}</c> from a backend.</summary>
internal sealed record BackendDatabaseListResponse([property: JsonPropertyName("databases")] IReadOnlyList<BackendDatabase>? Databases);

/// <summary><c>{"error": "..."}</c> from a backend.</summary>
internal sealed record BackendError([property: JsonPropertyName("error")] string? Error);

/// <summary>Source-generated JSON for the Platform API calls this node makes to storage backends.</summary>
[JsonSerializable(typeof(BackendCreateRequest))]
[JsonSerializable(typeof(BackendDatabaseResponse))]
[JsonSerializable(typeof(BackendDatabaseListResponse))]
[JsonSerializable(typeof(BackendError))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;

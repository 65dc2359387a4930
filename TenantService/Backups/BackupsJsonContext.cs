using System.Text.Json;
using System.Text.Json.Serialization;

namespace TenantService.Backups;

/// <summary>Source-generated JSON for the backup calls and the descriptor kept beside snapshots.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(BackupListResponse))]
[JsonSerializable(typeof(BackupResponse))]
[JsonSerializable(typeof(RestoreRequest))]
[JsonSerializable(typeof(RestoredDatabaseResponse))]
[JsonSerializable(typeof(SnapshotDescriptor))]
internal sealed partial class BackupsJsonContext : JsonSerializerContext;

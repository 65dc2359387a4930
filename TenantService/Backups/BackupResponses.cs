using System.Text.Json.Serialization;
using TenantService.Apis;

namespace TenantService.Backups;

/// <summary>One snapshot as the API shows it: <c>{"timestamp", "size", "version"}</c>.</summary>
internal sealed record BackupView(
    [property: JsonPropertyName("timestamp")] string Timestamp,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("version")] int Version)
{
    public static BackupView Of(Snapshot snapshot) => new(BackupTime.Format(snapshot.TakenAt), snapshot.Size, snapshot.Version);
}

/// <summary><c>{"backups": [...]}</c>, newest first.</summary>
internal sealed record BackupListResponse([property: JsonPropertyName("backups")] IReadOnlyList<BackupView> Backups);

/// <summary><c>{"backup": {...}}</c>, the answer to a snapshot taken on request.</summary>
internal sealed record BackupResponse([property: JsonPropertyName("backup")] BackupView Backup);

/// <summary>The body of a restore: <c>{"timestamp"}</c>.</summary>
internal sealed record RestoreRequest([property: JsonPropertyName("timestamp")] string? Timestamp);

/// <summary><c>{"database": db, "restored_from": timestamp}</c>: the database after a restore and the time of the snapshot it now holds.</summary>
internal sealed record RestoredDatabaseResponse(
    [property: JsonPropertyName("database")] DatabaseView Database,
    [property: JsonPropertyName("restored_from")] string RestoredFrom);

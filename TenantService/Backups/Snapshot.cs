using Tenancy.Databases;

namespace TenantService.Backups;

/// <summary>One snapshot file of a database: when it was taken, where it is, its size and its schema version (<c>user_version</c>).</summary>
internal sealed record Snapshot(DatabaseName Name, DateTimeOffset TakenAt, string Path, long Size, int Version);

namespace TenantService.Backups;

/// <summary>A snapshot copied to a flushed temporary file beside its destination, at <paramref name="Version"/>; the caller moves or deletes it.</summary>
internal sealed record PreparedSnapshot(string TemporaryPath, int Version, Snapshot Source) : IDisposable
{
    public void Dispose()
    {
        File.Delete(TemporaryPath);
        File.Delete(TemporaryPath + "-journal");
        File.Delete(TemporaryPath + "-wal");
        File.Delete(TemporaryPath + "-shm");
    }
}

/// <summary>A snapshot that cannot be brought to its schema's current version; nothing was changed.</summary>
internal sealed class SnapshotNotMigratableException(string message) : Exception(message);

using System.Collections.Concurrent;
using System.Diagnostics;
using Tenancy.Metadata;
using TenantService.Catalog;
using TenantService.Databases;
using TenantService.Metadata;

namespace TenantService.Migrations;

/// <summary>
/// Blocks and unblocks writes to databases during migrations: records the block in platform.db (the database object
/// reports it, and this service's cache reads it; several children's in one commit) while it publishes <see cref="TenantEventType.Migrating"/> and
/// <see cref="TenantEventType.Migrated"/>, so every service's connection cache holds writes (the todo API's and libSQL's)
/// at its write gate while a block is on. Measures how long each database stayed blocked.
/// </summary>
internal sealed class WriteBlocks(WriteBlockRecords records, MetadataPublisher metadata, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, long> _blockedSince = new(StringComparer.Ordinal);

    /// <summary>Starts blocking writes to <paramref name="entry"/>.</summary>
    public async Task BlockAsync(DatabaseEntry entry, MigrationStepTimes? steps = null)
    {
        _blockedSince.TryAdd(entry.Name.Value, time.GetTimestamp());
        await metadata.PublishAsync(
            entry with { BlockWrites = true }, TenantEventType.Migrating, () => RecordAsync(new BlockChange(entry.Name, true, entry.BlockReads), steps));
    }

    /// <summary>Announces the database's new version while keeping it blocked (the <c>all</c> lock holds until the job ends).</summary>
    public Task MigratedAsync(DatabaseEntry entry) =>
        metadata.PublishAsync(entry with { BlockWrites = true }, TenantEventType.Migrated);

    /// <summary>
    /// Lets writes to <paramref name="entry"/> through again, announcing its version as it now is; with <paramref name="recordVersion"/>
    /// its new version is recorded in the same platform.db statement as the release.
    /// </summary>
    public async Task ReleaseAsync(DatabaseEntry entry, string phase, bool recordVersion = false, MigrationStepTimes? steps = null)
    {
        await metadata.PublishAsync(
            entry with { BlockWrites = false },
            TenantEventType.Migrated,
            () => RecordAsync(new BlockChange(entry.Name, false, entry.BlockReads, recordVersion ? entry.Version : null), steps));
        if (_blockedSince.TryRemove(entry.Name.Value, out var since))
        {
            var blocked = time.GetElapsedTime(since);
            steps?.Add(MigrationStep.Blocked, blocked);
            MigrationTelemetry.WriteBlockedTime.Record(
                blocked.TotalMilliseconds,
                new TagList { { "db.name", entry.Name.Value }, { "migration.phase", phase } });
        }
    }

    private async Task RecordAsync(BlockChange change, MigrationStepTimes? steps)
    {
        var started = time.GetTimestamp();
        await records.RecordAsync(change);
        steps?.Add(MigrationStep.Record, time.GetElapsedTime(started));
    }
}

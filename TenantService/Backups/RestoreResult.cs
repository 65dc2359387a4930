using TenantService.Catalog;

namespace TenantService.Backups;

/// <summary>How a restore ended.</summary>
internal enum RestoreOutcome
{
    Restored,
    NotFound,

    /// <summary>No snapshot at or before the time asked for.</summary>
    NoSnapshot,

    /// <summary>A migration job of its schema is unfinished, or the snapshot cannot be brought to the current version.</summary>
    Conflict,

    /// <summary>A service did not confirm it closed the database (or Redis is unreachable); nothing was changed, retry.</summary>
    Busy,
}

/// <summary>How a restore ended: the database and the snapshot it now holds, or what stood in the way.</summary>
internal sealed record RestoreResult(RestoreOutcome Outcome, DatabaseEntry? Entry = null, Snapshot? Snapshot = null, string? Problem = null);

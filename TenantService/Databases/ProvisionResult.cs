using TenantService.Catalog;

namespace TenantService.Databases;

/// <summary>How a create ended.</summary>
internal enum ProvisionOutcome
{
    Created,
    AlreadyExists,
    SchemaNotFound,
    SeedNotFound,

    /// <summary>A file is in the way that platform.db does not know (platform.db lost or restored from an older copy).</summary>
    FileWithoutRecord,

    /// <summary>A snapshot seed could not be brought to the version its schema reached meanwhile; <see cref="ProvisionResult.Problem"/> says why.</summary>
    SeedNotMigratable,
}

/// <summary>How a create ended, with the new record when it was created, or what stood in the way.</summary>
internal sealed record ProvisionResult(ProvisionOutcome Outcome, DatabaseEntry? Entry = null, string? Problem = null);

/// <summary>How a delete ended.</summary>
internal enum RemovalOutcome
{
    Deleted,
    NotFound,
    HasChildren,

    /// <summary>A service did not confirm it closed the database (or Redis is unreachable); nothing was deleted, retry.</summary>
    Busy,
}

/// <summary>How a delete ended; <paramref name="Children"/> counts a schema database's children when refused.</summary>
internal sealed record RemovalResult(RemovalOutcome Outcome, int Children = 0);

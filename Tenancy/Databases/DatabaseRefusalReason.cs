namespace Tenancy.Databases;

/// <summary>Why a tenant database refused a statement.</summary>
public enum DatabaseRefusalReason
{
    /// <summary><c>ATTACH</c> or <c>DETACH</c>: a tenant reaches only its own database.</summary>
    Attach,

    /// <summary>Loading an extension (<c>load_extension</c>).</summary>
    LoadExtension,

    /// <summary>A schema change on a child database outside a migration.</summary>
    SchemaChangeOnChild,

    /// <summary>A <c>PRAGMA</c> that changes a setting the platform controls.</summary>
    Pragma,

    /// <summary>A statement ran longer than <see cref="TenantDatabaseOptions.StatementTimeout"/> and was interrupted.</summary>
    StatementTimeout,

    /// <summary>The database reached <see cref="TenantDatabaseOptions.MaxDatabaseSizeBytes"/>; writes fail, reads go on.</summary>
    SizeLimit,

    /// <summary>The connection's TEMP tables and indexes reached <see cref="TenantDatabaseOptions.MaxTempSizeBytes"/>; writes to them fail.</summary>
    TempSizeLimit,

    /// <summary>A libSQL stream's transaction stayed open longer than its limit and was rolled back.</summary>
    TransactionTimeout,

    /// <summary>The platform took the connection back (a migration needed the write lock, or the database is being deleted); its transaction was rolled back.</summary>
    ConnectionRevoked,

    /// <summary>A statement that writes was prepared for a read.</summary>
    ReadOnly,
}

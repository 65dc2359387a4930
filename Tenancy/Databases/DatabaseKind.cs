namespace Tenancy.Databases;

/// <summary>What a database is to the platform; decides which guards a connection gets.</summary>
public enum DatabaseKind
{
    /// <summary>A schema database: its schema is the one its children follow; DDL is allowed.</summary>
    Schema,

    /// <summary>A child of a schema database: DDL is refused except through a migration.</summary>
    Child,

    /// <summary>A plain database created without a schema; DDL is allowed.</summary>
    Standalone,

    /// <summary>The control plane's own <c>platform.db</c>: no guards.</summary>
    Platform,
}

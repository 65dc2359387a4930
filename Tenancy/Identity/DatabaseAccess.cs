namespace Tenancy.Identity;

/// <summary>What a caller may do with one database.</summary>
public enum DatabaseAccess
{
    /// <summary>Nothing: the credentials are for another database.</summary>
    None,

    /// <summary>Reads only; every write is refused.</summary>
    ReadOnly,

    /// <summary>Reads and writes.</summary>
    ReadWrite,
}

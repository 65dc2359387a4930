namespace Tenancy.Identity;

/// <summary>Names the group of a database, where a service knows it (tenantservice, from platform.db); group tokens are checked against it.</summary>
public interface IDatabaseGroups
{
    /// <summary>The group of <paramref name="database"/>, or null when no such database is known.</summary>
    /// <param name="database">The database name.</param>
    /// <returns>The group, or null.</returns>
    string? GroupOf(string database);
}

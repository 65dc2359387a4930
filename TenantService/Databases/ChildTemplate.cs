namespace TenantService.Databases;

/// <summary>
/// The bytes of a new, empty database with a schema database's tables at one version: creating a child
/// is writing these bytes to the child's file. <paramref name="SchemaCookie"/> is the schema database's
/// <c>PRAGMA schema_version</c> when it was taken, so any change to its tables makes a new template.
/// <paramref name="Statements"/> are the <c>CREATE</c> statements the bytes were built from, what a child on a storage
/// backend runs instead.
/// </summary>
internal sealed record ChildTemplate(long Version, long SchemaCookie, byte[] Content, IReadOnlyList<string> Statements);

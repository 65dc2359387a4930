using Tenancy.Databases;

namespace TenantService.Hrana;

/// <summary>
/// Where a write or schema change sent to a schema database goes. Such a statement is a migration that must reach
/// every child, so it never runs on the libSQL stream directly: <see cref="Migrations.MigrationJobRouter"/> runs it
/// as a migration job and answers when the job ends.
/// </summary>
internal interface ISchemaChangeRouter
{
    ValueTask<SchemaWriteOutcome> RouteAsync(SchemaWrite write, CancellationToken cancellationToken);
}

/// <summary>A statement that would change schema database <paramref name="Schema"/>, with its arguments.</summary>
internal sealed record SchemaWrite(
    DatabaseName Schema,
    string Sql,
    IReadOnlyList<HranaValue> Args,
    IReadOnlyList<KeyValuePair<string, HranaValue>> NamedArgs);

/// <summary>Either the statement was applied (as a migration), or it was refused with a message for the client.</summary>
internal sealed record SchemaWriteOutcome(string? Refusal, long AffectedRowCount = 0)
{
    public static SchemaWriteOutcome Refused(string message) => new(message);

    public static SchemaWriteOutcome Applied(long affectedRowCount) => new(null, affectedRowCount);
}

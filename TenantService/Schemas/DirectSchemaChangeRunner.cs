using Tenancy.Databases;
using Tenancy.Metadata;
using TenantService.Databases;
using TenantService.Metadata;

namespace TenantService.Schemas;

/// <summary>
/// Applies one schema version to a schema database and then to each of its children, one transaction per
/// database with the version recorded inside it. Idempotent: a database already at the version is only
/// brought in line in platform.db, so a run cut short by a crash finishes at the next start.
/// </summary>
internal sealed partial class DirectSchemaChangeRunner(
    DatabaseCatalog catalog,
    TenantDatabaseFactory factory,
    MetadataPublisher metadata,
    ILogger<DirectSchemaChangeRunner> logger) : ISchemaChangeRunner
{
    public async Task ApplyAsync(DatabaseName schema, long version, string sql, CancellationToken cancellationToken)
    {
        if (catalog.Find(schema) is not { Kind: DatabaseKind.Schema } schemaEntry)
        {
            throw new InvalidOperationException($"'{schema}' is not a schema database; create it with is_schema before applying version {version}.");
        }

        await ApplyToAsync(schemaEntry, version, sql);
        var applied = 0;
        // Each pass moves the children it finds to the version, so the next pass finds the rest.
        while (catalog.ChildrenBelow(schema, version, limit: 1000) is { Count: > 0 } behind)
        {
            foreach (var child in behind)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await ApplyToAsync(child, version, sql);
                applied++;
            }
        }

        LogApplied(logger, schema.Value, version, applied);
    }

    private async Task ApplyToAsync(DatabaseEntry entry, long version, string sql)
    {
        using (var connection = factory.Open(entry.Name, entry.Kind, entry.Schema?.Value))
        using (factory.AllowSchemaChanges(connection))
        using (var transaction = connection.BeginTransaction())
        {
            if (DatabaseVersion.Read(connection) < version)
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = sql;
                command.ExecuteNonQuery();
                DatabaseVersion.Write(connection, version, transaction);
            }

            transaction.Commit();
        }

        if (entry.Version != version)
        {
            catalog.SetVersion(entry.Name, checked((int)version));
            await metadata.PublishAsync(entry with { Version = checked((int)version) }, TenantEventType.Migrated);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema database '{Schema}' is at version {Version}; {Children} children brought along.")]
    private static partial void LogApplied(ILogger logger, string schema, long version, int children);
}

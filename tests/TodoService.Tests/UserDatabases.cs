using Tenancy.Databases;
using Tenancy.Metadata;

namespace TodoService.Tests;

/// <summary>
/// Provisions user databases the way the tenant service does (file from the todos schema's SQL, version inside,
/// record in Redis), so todoservice is tested on its own.
/// </summary>
public sealed class UserDatabases(string dataDirectory, TenantMetadataStore metadata)
{
    public const string Schema = "todos-schema";

    private readonly TenantDatabaseFactory _factory = new(new DatabaseLayout(dataDirectory), new TenantDatabaseOptions(), TimeProvider.System);

    public TenantDatabaseFactory Factory => _factory;

    public async Task<DatabaseName> CreateAsync(string userId)
    {
        var name = TenantId.FromClerkId(userId);
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Schemas"), "*.sql").Order().ToArray();
        using (var connection = _factory.Create(name, DatabaseKind.Child, Schema))
        using (_factory.AllowSchemaChanges(connection))
        {
            foreach (var file in files)
            {
                using var command = connection.CreateCommand();
                command.CommandText = await File.ReadAllTextAsync(file);
                await command.ExecuteNonQueryAsync();
            }

            DatabaseVersion.Write(connection, files.Length);
        }

        await metadata.PublishAsync(Record(name, files.Length, blockWrites: false), TenantEventType.Created);
        return name;
    }

    /// <summary>Adds a column as a schema migration would, and announces the new version.</summary>
    public async Task MigrateAsync(DatabaseName name, string ddl, long version)
    {
        using (var connection = _factory.Open(name, DatabaseKind.Child, Schema))
        using (_factory.AllowSchemaChanges(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = ddl;
            await command.ExecuteNonQueryAsync();
            DatabaseVersion.Write(connection, version);
        }

        await metadata.PublishAsync(Record(name, version, blockWrites: false), TenantEventType.Migrated);
    }

    public Task BlockWritesAsync(DatabaseName name, long version, bool blocked) =>
        metadata.PublishAsync(Record(name, version, blocked), blocked ? TenantEventType.Migrating : TenantEventType.Migrated);

    public async Task DeleteAsync(DatabaseName name)
    {
        await metadata.RemoveAsync(name);
        File.Delete(_factory.Layout.DatabasePath(name));
    }

    private static TenantRecord Record(DatabaseName name, long version, bool blockWrites) =>
        new(name, DatabaseKind.Child, Schema, version, blockWrites, BlockReads: false, DateTimeOffset.UtcNow);
}

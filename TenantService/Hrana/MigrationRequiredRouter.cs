namespace TenantService.Hrana;

/// <summary>Until migration jobs exist, refuses writes to schema databases and says where they go instead.</summary>
internal sealed class MigrationRequiredRouter(PlatformOptions options) : ISchemaChangeRouter
{
    public ValueTask<SchemaWriteOutcome> RouteAsync(SchemaWrite write, CancellationToken cancellationToken)
    {
        var name = write.Schema.Value;
        return ValueTask.FromResult(SchemaWriteOutcome.Refused(
            $"'{name}' is a schema database: writes and schema changes to it are migrations that reach every child database. " +
            $"Send them with POST /v1/organizations/{options.Organization}/databases/{name}/migrations {{\"sql\": \"...\"}}; reads work here."));
    }
}

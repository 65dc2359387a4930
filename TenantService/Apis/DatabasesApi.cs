using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Data.Sqlite;
using Tenancy;
using Tenancy.Connections;
using Tenancy.Databases;
using Tenancy.Identity;
using TenantService.Backups;
using TenantService.Catalog;
using TenantService.Databases;
using TenantService.Storage;

namespace TenantService.Apis;

/// <summary>
/// The Turso Platform API's database calls: <c>/v1/organizations/{org}/databases</c>. Every call needs the
/// platform token and the configured organization; names are checked before anything touches a file.
/// </summary>
internal static class DatabasesApi
{
    // A dump usually takes seconds; the running one holds the database's turn until then.
    private const string DumpRetryAfterSeconds = "5";

    public static RouteGroupBuilder MapDatabasesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/organizations/{org}/databases")
            .RequireAuthorization(TenantPolicies.Platform)
            .AddEndpointFilter<OrganizationFilter>()
            .WithTags("Databases");

        api.MapPost("/", CreateDatabase).WithName("CreateDatabase").AddEndpointFilter<CreateDatabaseValidationFilter>();
        api.MapGet("/", ListDatabases).WithName("ListDatabases");
        api.MapGet("/{name}", GetDatabase).WithName("GetDatabase").AddEndpointFilter<DatabaseNameFilter>();
        api.MapDelete("/{name}", DeleteDatabase).WithName("DeleteDatabase").AddEndpointFilter<DatabaseNameFilter>();
        api.MapGet("/{name}/dump", DumpDatabase).WithName("DumpDatabase").AddEndpointFilter<DatabaseNameFilter>();
        api.MapGet("/{name}/schema", GetDatabaseSchema).WithName("GetDatabaseSchema").AddEndpointFilter<DatabaseNameFilter>();
        return api;
    }

    public static async Task<Results<Ok<DatabaseResponse>, NotFound<ErrorBody>, Conflict<ErrorBody>, JsonHttpResult<ErrorBody>>> CreateDatabase(
        JsonBody<CreateDatabaseRequest> body,
        [AsParameters] DatabaseServices services,
        SnapshotSeeds snapshotSeeds,
        CancellationToken cancellationToken)
    {
        var request = body.Value!;
        var name = DatabaseName.Parse(request.Name!);
        if (request.Seed?.Name is { } seedName && services.Catalog.Find(DatabaseName.Parse(seedName)) is { Placement: not null } remoteSeed)
        {
            return TypedResults.Conflict(new ErrorBody(LocalOnly.Refusal(remoteSeed, "a copy or branch (seed)")));
        }

        // A seed with a time or from backups starts from a snapshot, prepared before anything is recorded.
        var (prepared, problem) = request.Seed is { } wanted ? snapshotSeeds.Prepare(wanted, name, request.IsSchema ?? false) : (null, null);
        if (problem is not null)
        {
            return TypedResults.Json(new ErrorBody(problem.Message), statusCode: problem.Status);
        }

        using var preparedSeed = prepared;
        var spec = new DatabaseSpec(
            name,
            request.Group ?? prepared?.Group ?? DatabaseEntry.DefaultGroup,
            request.IsSchema ?? false,
            request.Schema is { } schema ? DatabaseName.Parse(schema) : null,
            prepared is null && request.Seed?.Name is { } seed ? DatabaseName.Parse(seed) : null,
            prepared);

        var result = await services.Provisioner.CreateAsync(spec, cancellationToken);
        return result.Outcome switch
        {
            ProvisionOutcome.Created => TypedResults.Ok(new DatabaseResponse(services.View(result.Entry!))),
            ProvisionOutcome.AlreadyExists => TypedResults.Conflict(new ErrorBody($"database '{spec.Name}' already exists")),
            ProvisionOutcome.FileWithoutRecord => TypedResults.Conflict(new ErrorBody(
                $"database '{spec.Name}' has a file but no record in platform.db; restore platform.db or move the file away first")),
            ProvisionOutcome.SeedNotMigratable => TypedResults.Conflict(new ErrorBody(result.Problem!)),
            ProvisionOutcome.SchemaNotFound => TypedResults.NotFound(new ErrorBody(
                $"schema database '{spec.Schema}' not found: create it first with {{\"name\": \"{spec.Schema}\", \"is_schema\": true}}")),
            _ => TypedResults.NotFound(new ErrorBody($"seed database '{spec.Seed}' not found")),
        };
    }

    public static Results<Ok<DatabaseListResponse>, BadRequest<ErrorBody>> ListDatabases(
        string? schema,
        string? type,
        string? group,
        [AsParameters] DatabaseServices services)
    {
        DatabaseName? schemaName = null;
        if (schema is not null)
        {
            if (!DatabaseName.TryCreate(schema, out var parsed, out var error))
            {
                return TypedResults.BadRequest(new ErrorBody($"'schema': {error}"));
            }

            schemaName = parsed;
        }

        if (!TryParseType(type, out var kind))
        {
            return TypedResults.BadRequest(new ErrorBody($"'type' must be \"schema\", \"child\" or \"standalone\", not \"{type}\""));
        }

        var entries = services.Catalog.List(new DatabaseFilter(schemaName, kind, group));
        return TypedResults.Ok(new DatabaseListResponse(entries.Select(services.View).ToList()));
    }

    public static Results<Ok<DatabaseResponse>, NotFound<ErrorBody>> GetDatabase(string name, [AsParameters] DatabaseServices services) =>
        services.Catalog.Find(DatabaseName.Parse(name)) is { } entry
            ? TypedResults.Ok(new DatabaseResponse(services.View(entry)))
            : services.NotFound(name);

    public static async Task<Results<Ok<DeletedDatabaseResponse>, NotFound<ErrorBody>, Conflict<ErrorBody>, JsonHttpResult<ErrorBody>>> DeleteDatabase(
        string name,
        HttpContext context,
        [AsParameters] DatabaseServices services,
        CancellationToken cancellationToken)
    {
        var result = await services.Provisioner.DeleteAsync(DatabaseName.Parse(name), cancellationToken);
        if (result.Outcome == RemovalOutcome.Busy)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        return result.Outcome switch
        {
            RemovalOutcome.Deleted => TypedResults.Ok(new DeletedDatabaseResponse(name)),
            RemovalOutcome.HasChildren => TypedResults.Conflict(new ErrorBody(
                $"schema database '{name}' still has {result.Children} children; delete them first")),
            RemovalOutcome.Busy => TypedResults.Json(
                new ErrorBody($"database '{name}' could not be closed in every service in time; nothing was deleted, retry"),
                statusCode: StatusCodes.Status503ServiceUnavailable),
            _ => services.NotFound(name),
        };
    }

    public static Task<Results<PushStreamHttpResult, NotFound<ErrorBody>, JsonHttpResult<ErrorBody>>> DumpDatabase(
        string name, HttpContext context, [AsParameters] DatabaseServices services)
    {
        // One dump of a database at a time: a second would only double the CPU spent on the same text.
        if (services.Dumps.TryStart(DatabaseName.Parse(name)) is not { } run)
        {
            context.Response.Headers.RetryAfter = DumpRetryAfterSeconds;
            return Task.FromResult<Results<PushStreamHttpResult, NotFound<ErrorBody>, JsonHttpResult<ErrorBody>>>(TypedResults.Json(
                new ErrorBody($"database '{name}' is being dumped already; one dump of a database runs at a time, retry when it has finished"),
                statusCode: StatusCodes.Status429TooManyRequests));
        }

        context.Response.RegisterForDispose(run);
        return WriteSqlAsync(name, context, services, SqlDumpWriter.WriteAsync, schemaOnly: false);
    }

    public static Task<Results<PushStreamHttpResult, NotFound<ErrorBody>, JsonHttpResult<ErrorBody>>> GetDatabaseSchema(
        string name, HttpContext context, [AsParameters] DatabaseServices services) =>
        WriteSqlAsync(name, context, services, SqlDumpWriter.WriteSchemaAsync, schemaOnly: true);

    // A reader from the tenant connection cache, handed back when the response ends; SqlDumpStream bounds the dump's time.
    private static async Task<Results<PushStreamHttpResult, NotFound<ErrorBody>, JsonHttpResult<ErrorBody>>> WriteSqlAsync(
        string name,
        HttpContext context,
        DatabaseServices services,
        Func<SqliteConnection, TextWriter, CancellationToken, Task> write,
        bool schemaOnly)
    {
        if (services.Catalog.Find(DatabaseName.Parse(name)) is { Placement: not null } remote)
        {
            return await StreamRemoteSqlAsync(remote, context, services, schemaOnly);
        }

        var access = await services.Connections.AcquireAsync(DatabaseName.Parse(name), TenantAccessMode.LongRead, context.RequestAborted);
        if (access.Lease is not { } lease)
        {
            if (access.Status == TenantAccessStatus.NotFound)
            {
                return NotFound(name);
            }

            context.Response.Headers.RetryAfter = "1";
            return TypedResults.Json(
                new ErrorBody($"database '{name}' is being deleted or replaced; retry"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        context.Response.RegisterForDispose(lease);
        return SqlDumpStream.Send(name, backend: null, context, services, async (stream, stop) =>
        {
            // Stopping interrupts the SQL at once, wherever it is.
            using var interrupt = stop.Register(static connection => SQLitePCL.raw.sqlite3_interrupt(((SqliteConnection)connection!).Handle), lease.Connection);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true);
            await write(lease.Connection, writer, stop);
        });
    }

    // The backend's own dump, passed on as it arrives: nothing is held here but a buffer. A backend that fails before the
    // first byte is answered by StorageBackendErrors (503 with Retry-After, 404).
    private static async Task<Results<PushStreamHttpResult, NotFound<ErrorBody>, JsonHttpResult<ErrorBody>>> StreamRemoteSqlAsync(
        DatabaseEntry entry, HttpContext context, DatabaseServices services, bool schemaOnly)
    {
        var answer = await services.Backends.Api(entry.Storage).OpenSqlAsync(entry.Name, schemaOnly, context.RequestAborted);
        context.Response.RegisterForDispose(answer);
        return SqlDumpStream.Send(entry.Name.Value, entry.Storage, context, services, async (stream, stop) =>
        {
            await using var body = await answer.Content.ReadAsStreamAsync(stop);
            await body.CopyToAsync(stream, stop);
        });
    }

    private static bool TryParseType(string? type, out DatabaseKind? kind)
    {
        kind = type switch
        {
            "schema" => DatabaseKind.Schema,
            "child" => DatabaseKind.Child,
            "standalone" => DatabaseKind.Standalone,
            _ => null,
        };
        return type is null || kind is not null;
    }

    private static NotFound<ErrorBody> NotFound(string name) => TypedResults.NotFound(new ErrorBody($"database '{name}' not found"));
}

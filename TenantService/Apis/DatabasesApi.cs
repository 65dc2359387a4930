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
internal static partial class DatabasesApi
{
    private const string SqlContentType = "text/plain; charset=utf-8";

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

    // A reader from the tenant connection cache, handed back when the response ends. The client leaving or DUMP_TIMEOUT_MS
    // passing interrupts the SQL at once; a dump stopped by the time limit ends in an error line instead of COMMIT.
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
        return TypedResults.Stream(
            async stream =>
            {
                var limit = services.Options.DumpTimeout;
                using var timeLimit = new CancellationTokenSource(limit, services.Time);
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, timeLimit.Token);
                using var interrupt = stop.Token.Register(static connection => SQLitePCL.raw.sqlite3_interrupt(((SqliteConnection)connection!).Handle), lease.Connection);
                await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024);
                try
                {
                    await write(lease.Connection, writer, stop.Token);
                }
                catch (Exception exception) when (exception is OperationCanceledException or SqliteException
                    && timeLimit.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
                {
                    LogDumpTimedOut(services.Logger, name, (long)limit.TotalMilliseconds);
                    // The status went out with the first rows, so the text says it. Not a comment: replaying it fails on this
                    // line, and without its COMMIT nothing before it is kept. (Aborting the connection instead would lose this line.)
                    var error = $"\nERROR: the dump of '{name}' ran longer than DUMP_TIMEOUT_MS ({(long)limit.TotalMilliseconds} ms) allows and stopped here; " +
                        "the text above is incomplete. Ask the operator to raise DUMP_TIMEOUT_MS.\n";
                    await writer.WriteAsync(error.AsMemory(), context.RequestAborted);
                }
            },
            SqlContentType);
    }

    // The backend's own dump, passed on as it arrives: nothing is held here but a buffer. A backend that fails before the
    // first byte is answered by StorageBackendErrors (503 with Retry-After, 404); DUMP_TIMEOUT_MS bounds the whole copy.
    private static async Task<Results<PushStreamHttpResult, NotFound<ErrorBody>, JsonHttpResult<ErrorBody>>> StreamRemoteSqlAsync(
        DatabaseEntry entry, HttpContext context, DatabaseServices services, bool schemaOnly)
    {
        var answer = await services.Backends.Api(entry.Storage).OpenSqlAsync(entry.Name, schemaOnly, context.RequestAborted);
        context.Response.RegisterForDispose(answer);
        return TypedResults.Stream(
            async stream =>
            {
                var limit = services.Options.DumpTimeout;
                using var timeLimit = new CancellationTokenSource(limit, services.Time);
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, timeLimit.Token);
                try
                {
                    await using var body = await answer.Content.ReadAsStreamAsync(stop.Token);
                    await body.CopyToAsync(stream, stop.Token);
                }
                catch (Exception exception) when (exception is OperationCanceledException or HttpRequestException or IOException && !context.RequestAborted.IsCancellationRequested)
                {
                    LogRemoteDumpBroken(services.Logger, entry.Name.Value, entry.Storage, exception.Message);
                    // As a local dump that ran out of time: the status went out, so the text says it, on a line that fails if replayed.
                    var error = timeLimit.IsCancellationRequested
                        ? $"\nERROR: the dump of '{entry.Name}' ran longer than DUMP_TIMEOUT_MS ({(long)limit.TotalMilliseconds} ms) allows and stopped here; the text above is incomplete.\n"
                        : $"\nERROR: the dump of '{entry.Name}' from storage backend '{entry.Storage}' broke off here; the text above is incomplete, retry.\n";
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(error), context.RequestAborted);
                }
            },
            SqlContentType);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dump of database {Database} from storage backend {Backend} stopped: {Reason}")]
    private static partial void LogRemoteDumpBroken(ILogger logger, string database, string backend, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dump of database {Database} ran longer than DUMP_TIMEOUT_MS ({LimitMs} ms) and was stopped")]
    private static partial void LogDumpTimedOut(ILogger logger, string database, long limitMs);
}

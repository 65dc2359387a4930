using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.Connections;
using Tenancy.Databases;
using Tenancy.Identity;

namespace TenantService.Hrana;

/// <summary>
/// The libSQL endpoint of every database: Hrana over HTTP (versions 2 and 3, JSON encoding) at <c>/db/{name}/</c>,
/// so <c>@libsql/client</c> and other libSQL clients connect with <c>url: http://host/db/{name}/</c>. The platform
/// token reaches any database; a user's token the user's own and their active organization's (read-only for roles outside
/// <c>ORG_WRITE_ROLES</c>); a database or group token its database or group, read-only when issued so.
/// </summary>
internal static partial class HranaApi
{
    public static RouteGroupBuilder MapEndpoints(IEndpointRouteBuilder app)
    {
        var database = app.MapGroup("/db/{name}").WithTags("libSQL");

        // Clients probe versions without credentials and fall back to v2 when a probe fails.
        database.MapGet("/v2", () => TypedResults.Text("Hrana over HTTP, version 2 (JSON)\n")).WithName("HranaVersion2").AllowAnonymous();
        database.MapGet("/v3", () => TypedResults.Text("Hrana over HTTP, version 3 (JSON)\n")).WithName("HranaVersion3").AllowAnonymous();

        var pipelines = database.MapGroup("").RequireAuthorization(TenantPolicies.DatabaseAccess);
        pipelines.MapPost("/v2/pipeline", (string name, HttpContext context, [AsParameters] HranaServices services) => Pipeline(name, version3: false, context, services))
            .WithName("HranaPipelineV2");
        pipelines.MapPost("/v3/pipeline", (string name, HttpContext context, [AsParameters] HranaServices services) => Pipeline(name, version3: true, context, services))
            .WithName("HranaPipelineV3");
        pipelines.MapPost("/v3/cursor", Cursor).WithName("HranaCursorV3");
        return database;
    }

    public static Task<Results<PipelineJson, HranaHttpError>> Pipeline(string name, bool version3, HttpContext context, HranaServices services) =>
        ServeAsync(name, context, services, PipelineParser.ParsePipeline, pipeline => pipeline.Baton,
            (stream, pipeline, budget) => services.Runner.RunAsync(stream, pipeline.Requests, version3, budget, context.RequestAborted),
            (baton, outcomes) => new PipelineJson(baton, outcomes));

    public static Task<Results<CursorJson, HranaHttpError>> Cursor(string name, HttpContext context, [AsParameters] HranaServices services) =>
        ServeAsync(name, context, services, PipelineParser.ParseCursor, cursor => cursor.Baton,
            (stream, cursor, budget) => services.Runner.RunBatchAsync(stream, cursor.Batch.Steps, budget, context.RequestAborted),
            (baton, batch) => new CursorJson(baton, batch));

    // Both request kinds: resolve the database, read and parse the body, open or resume the stream, run, hand the baton back.
    private static async Task<Results<TAnswer, HranaHttpError>> ServeAsync<TBody, TOutcome, TAnswer>(
        string name,
        HttpContext context,
        HranaServices services,
        Func<ReadOnlyMemory<byte>, TBody> parse,
        Func<TBody, string?> batonOf,
        Func<HranaStream, TBody, ResponseBudget, ValueTask<TOutcome>> run,
        Func<string?, TOutcome, TAnswer> answer)
        where TAnswer : IResult
    {
        if (!DatabaseName.TryCreate(name, out var database, out var nameError))
        {
            return new HranaHttpError(StatusCodes.Status400BadRequest, new HranaError(nameError, HranaErrorCodes.InvalidName));
        }

        var (body, bodyError) = await HranaBody.ReadAsync(context, services.Options.MaxRequestBodyBytes);
        if (bodyError is not null)
        {
            return bodyError;
        }

        TBody request;
        try
        {
            request = parse(body);
        }
        catch (HranaProtocolException exception)
        {
            return BadRequest(exception.Message);
        }

        var (stream, streamError) = await OpenOrResumeAsync(database, batonOf(request), context, services);
        if (stream is null)
        {
            return streamError!;
        }

        // Per request, not per stream: a baton passed on by a caller with less access never writes with more.
        stream.ReadOnlyCaller = context.User.AccessTo(database.Value, services.Groups.GroupOf) != DatabaseAccess.ReadWrite;
        if (!stream.Lease.TryEnter())
        {
            // The platform took the connection back between pipelines (a migration or a delete); say why, once.
            var revoked = stream.Lease.Revoked!;
            services.Streams.Close(stream);
            return new HranaHttpError(StatusCodes.Status409Conflict, new HranaError(revoked.Message, HranaErrorCodes.ForRefusal(revoked.Reason)));
        }

        // The answer's bytes count against the service's total until it has been written, or has failed.
        var budget = services.Responses.Open();
        context.Response.RegisterForDispose(budget);
        TOutcome outcome;
        try
        {
            // A client that gives up stops its statement too: SQLite's CPU is not spent for nobody.
            using (context.RequestAborted.Register(static lease => ((TenantStream)lease!).Interrupt(), stream.Lease))
            {
                outcome = await run(stream, request, budget);
            }

            context.RequestAborted.ThrowIfCancellationRequested();
        }
        catch
        {
            stream.Lease.Exit();
            services.Streams.Close(stream);
            throw;
        }

        stream.Lease.Exit();
        return answer(services.Streams.Release(stream), outcome);
    }

    private static async ValueTask<(HranaStream? Stream, HranaHttpError? Error)> OpenOrResumeAsync(DatabaseName database, string? baton, HttpContext context, HranaServices services)
    {
        var user = context.User;
        var owner = OwnerOf(user, database);
        if (baton is not null)
        {
            var lookup = services.Streams.Acquire(baton, owner);
            return lookup.Stream is not null ? (lookup.Stream, null) : (null, new HranaHttpError(StatusCodes.Status400BadRequest, lookup.Error!));
        }

        // The address is the gateway's signed X-Forwarded-For when there is one (GatewayClientAddress), else the peer's.
        var claim = new StreamClaim(owner, database, StreamClaim.AddressKey(context.Connection.RemoteIpAddress), user.IsPlatformCaller());
        if (services.Streams.TryReserve(claim) is { } refusal)
        {
            LogStreamsExhausted(services.Logger, database.Value, refusal.StatusCode, refusal.Error.Message);
            return (null, new HranaHttpError(refusal.StatusCode, refusal.Error, refusal.RetryAfter));
        }

        try
        {
            var (stream, status) = await services.Streams.OpenAsync(claim);
            if (stream is not null)
            {
                return (stream, null);
            }

            services.Streams.Unreserve(claim);
            if (status == TenantAccessStatus.NotFound && services.Catalog.Find(database) is { Placement: not null } remote)
            {
                // Its libSQL endpoint is its backend's; this node holds no file to serve it from.
                return (null, new HranaHttpError(StatusCodes.Status409Conflict, new HranaError(
                    Storage.LocalOnly.Refusal(remote, "this node's libSQL endpoint"), HranaErrorCodes.DatabaseUnavailable)));
            }

            return (null, status == TenantAccessStatus.NotFound ? NotFound(database) : Unavailable(database));
        }
        catch
        {
            services.Streams.Unreserve(claim);
            throw;
        }
    }

    // A baton answers only to the caller and database that opened its stream.
    private static string OwnerOf(ClaimsPrincipal user, DatabaseName database) =>
        user.IsPlatformCaller() ? $"platform|{database.Value}"
        : user.IsDatabaseTokenCaller() ? $"token:{user.FindFirst(TenantClaims.TokenId)?.Value}|{database.Value}"
        : $"user:{user.GetUserId()}|{database.Value}";

    private static HranaHttpError NotFound(DatabaseName name) => new(StatusCodes.Status404NotFound, new HranaError(
        $"Database '{name.Value}' not found; create it with POST /v1/organizations/{{org}}/databases.", HranaErrorCodes.DatabaseNotFound));

    private static HranaHttpError Unavailable(DatabaseName name) => new(StatusCodes.Status503ServiceUnavailable, new HranaError(
        $"Database '{name.Value}' is being deleted or replaced and cannot be opened now; retry in a second.", HranaErrorCodes.DatabaseUnavailable));

    private static HranaHttpError BadRequest(string message) => new(StatusCodes.Status400BadRequest, new HranaError(message, HranaErrorCodes.ProtocolError));

    [LoggerMessage(Level = LogLevel.Warning, Message = "A libSQL stream on database {Database} was refused with {StatusCode}: {Reason}")]
    private static partial void LogStreamsExhausted(ILogger logger, string database, int statusCode, string reason);
}

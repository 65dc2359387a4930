using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy;
using Tenancy.Databases;
using Tenancy.Identity;
using TenantService.Apis;
using TenantService.Catalog;
using TenantService.Storage;

namespace TenantService.Backups;

/// <summary>
/// The backup calls under <c>/v1/organizations/{org}/databases/{name}</c>: list snapshots (also of a deleted name),
/// take one now, restore in place.
/// </summary>
internal static class BackupsApi
{
    public static RouteGroupBuilder MapBackupsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/organizations/{org}/databases/{name}")
            .RequireAuthorization(TenantPolicies.Platform)
            .AddEndpointFilter<OrganizationFilter>()
            .AddEndpointFilter<DatabaseNameFilter>()
            .WithTags("Backups");

        api.MapGet("/backups", ListBackups).WithName("ListBackups");
        api.MapPost("/backups", TakeBackup).WithName("TakeBackup");
        api.MapPost("/restore", RestoreDatabase).WithName("RestoreDatabase");
        return api;
    }

    public static Results<Ok<BackupListResponse>, NotFound<ErrorBody>> ListBackups(string name, [AsParameters] BackupServices services)
    {
        var database = DatabaseName.Parse(name);
        var snapshots = services.Store.List(database);
        if (snapshots.Count == 0 && services.Catalog.Find(database) is null)
        {
            // A database deleted from a storage backend left its SQL dump, which no restore reads: say where it is.
            return TypedResults.NotFound(new ErrorBody(services.Store.Dumps(database) is [var dump, ..]
                ? $"database '{name}' not found and has no snapshots; its final SQL dump from its storage backend is '{dump}' under DATA_DIR (replay it with sqlite3)"
                : $"database '{name}' not found and has no backups"));
        }

        return TypedResults.Ok(new BackupListResponse(snapshots.Select(BackupView.Of).ToList()));
    }

    public static Results<Ok<BackupResponse>, NotFound<ErrorBody>, Conflict<ErrorBody>> TakeBackup(string name, [AsParameters] BackupServices services)
    {
        if (services.Catalog.Find(DatabaseName.Parse(name)) is not { } entry)
        {
            return TypedResults.NotFound(new ErrorBody($"database '{name}' not found"));
        }

        if (entry.Placement is not null)
        {
            return TypedResults.Conflict(new ErrorBody(LocalOnly.Refusal(entry, "a snapshot")));
        }

        return TypedResults.Ok(new BackupResponse(BackupView.Of(services.Pass.TakeNow(entry))));
    }

    public static async Task<Results<Ok<RestoredDatabaseResponse>, BadRequest<ErrorBody>, NotFound<ErrorBody>, Conflict<ErrorBody>, JsonHttpResult<ErrorBody>>> RestoreDatabase(
        string name,
        JsonBody<RestoreRequest> body,
        HttpContext context,
        [AsParameters] BackupServices services,
        CancellationToken cancellationToken)
    {
        if (body.Problem is { } problem)
        {
            return TypedResults.Json(new ErrorBody(problem), statusCode: body.ProblemStatus);
        }

        if (!BackupTime.TryParse(body.Value!.Timestamp, out var at))
        {
            return TypedResults.BadRequest(new ErrorBody(body.Value.Timestamp is null
                ? $"'timestamp' is required: {BackupTime.Rule}; the latest snapshot at or before it is restored"
                : $"'timestamp' is '{body.Value.Timestamp}': expected {BackupTime.Rule}"));
        }

        if (services.Catalog.Find(DatabaseName.Parse(name)) is { Placement: not null } remote)
        {
            return TypedResults.Conflict(new ErrorBody(LocalOnly.Refusal(remote, "a restore from snapshots")));
        }

        var result = await services.Restorer.RestoreAsync(DatabaseName.Parse(name), at, cancellationToken);
        if (result.Outcome == RestoreOutcome.Busy)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        return result.Outcome switch
        {
            RestoreOutcome.Restored => TypedResults.Ok(new RestoredDatabaseResponse(DatabaseServices.ViewOf(result.Entry!, services.Options), BackupTime.Format(result.Snapshot!.TakenAt))),
            RestoreOutcome.NotFound => TypedResults.NotFound(new ErrorBody($"database '{name}' not found")),
            RestoreOutcome.NoSnapshot => TypedResults.BadRequest(new ErrorBody(result.Problem!)),
            RestoreOutcome.Conflict => TypedResults.Conflict(new ErrorBody(result.Problem!)),
            _ => TypedResults.Json(
                new ErrorBody($"database '{name}' could not be closed in every service in time; nothing was restored, retry"),
                statusCode: StatusCodes.Status503ServiceUnavailable),
        };
    }
}

/// <summary>What the backup handlers need, bound with <c>[AsParameters]</c>.</summary>
internal sealed record BackupServices(
    DatabaseCatalog Catalog,
    SnapshotStore Store,
    BackupPass Pass,
    BackupRestorer Restorer,
    PlatformOptions Options);

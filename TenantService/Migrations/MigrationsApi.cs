using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy;
using Tenancy.Databases;
using Tenancy.Identity;
using TenantService.Apis;
using TenantService.Databases;

namespace TenantService.Migrations;

/// <summary>
/// Schema migrations, libSQL's schema-database calls: <c>/v1/organizations/{org}/databases/{schema}/migrations</c>
/// and <c>.../jobs</c>. Same token, organization and error shape as the databases API.
/// </summary>
internal static class MigrationsApi
{
    public static RouteGroupBuilder MapMigrationsApi(this IEndpointRouteBuilder app)
    {
        // {name} rather than {schema}: the databases API's name filter checks it before anything touches a file.
        var api = app.MapGroup("/v1/organizations/{org}/databases/{name}")
            .RequireAuthorization(TenantPolicies.Platform)
            .AddEndpointFilter<OrganizationFilter>()
            .AddEndpointFilter<DatabaseNameFilter>()
            .WithTags("Migrations");

        api.MapPost("/migrations", CreateMigration).WithName("CreateMigration").AddEndpointFilter<MigrationRequestFilter>();
        api.MapGet("/jobs", ListMigrationJobs).WithName("ListMigrationJobs");
        api.MapGet("/jobs/{id}", GetMigrationJob).WithName("GetMigrationJob");
        api.MapPost("/jobs/{id}/retry", RetryMigrationJob).WithName("RetryMigrationJob");
        return api;
    }

    public static async Task<Results<Ok<MigrationJobSummary>, Ok<MigrationJobView>, NotFound<ErrorBody>, BadRequest<ErrorBody>, Conflict<ErrorBody>>> CreateMigration(
        string name,
        JsonBody<MigrationRequest> body,
        HttpContext context,
        [AsParameters] MigrationServices services)
    {
        var request = body.Value!;
        var script = (MigrationScript)context.Items[typeof(MigrationScript)]!;
        MigrationRequestFilter.TryParseLock(request.Lock, out var lockMode);
        var schema = DatabaseName.Parse(name);
        var submission = services.Runner.Submit(schema, script, request.DryRun ?? false, lockMode);
        switch (submission.Outcome)
        {
            case MigrationSubmissionOutcome.SchemaNotFound:
                return SchemaNotFound(name);
            case MigrationSubmissionOutcome.NotASchema:
                return NotASchema(name, submission.Kind);
            case MigrationSubmissionOutcome.HeldByFailedJob:
                return TypedResults.Conflict(new ErrorBody(
                    $"schema database '{name}' is held by job {submission.FailedJobId}, which failed in its run phase (some children are already migrated): "
                    + $"fix the databases its progress names and POST .../databases/{name}/jobs/{submission.FailedJobId}/retry first"));
        }

        var job = submission.Job!;
        if (request.Wait != true)
        {
            return TypedResults.Ok(new MigrationJobSummary(job.Id, job.Status.ToString()));
        }

        var finished = await services.Runner.WaitAsync(job.Id, context.RequestAborted) ?? job;
        return TypedResults.Ok(services.View(finished));
    }

    public static Results<Ok<MigrationJobList>, NotFound<ErrorBody>, BadRequest<ErrorBody>> ListMigrationJobs(
        string name,
        [AsParameters] MigrationServices services)
    {
        var schema = DatabaseName.Parse(name);
        if (services.Catalog.Find(schema) is not { } entry)
        {
            return SchemaNotFound(name);
        }

        if (entry.Kind != DatabaseKind.Schema)
        {
            return NotASchema(name, entry.Kind);
        }

        var jobs = services.Runner.Jobs(entry).Select(job => new MigrationJobSummary(job.Id, job.Status.ToString())).ToList();
        return TypedResults.Ok(new MigrationJobList(entry.Version, jobs));
    }

    public static Results<Ok<MigrationJobView>, NotFound<ErrorBody>> GetMigrationJob(
        string name,
        string id,
        [AsParameters] MigrationServices services) =>
        FindJob(name, id, services) is { } job ? TypedResults.Ok(services.View(job)) : JobNotFound(name, id);

    public static Results<Ok<MigrationJobSummary>, NotFound<ErrorBody>, Conflict<ErrorBody>> RetryMigrationJob(
        string name,
        string id,
        [AsParameters] MigrationServices services)
    {
        if (FindJob(name, id, services) is not { } job)
        {
            return JobNotFound(name, id);
        }

        return services.Runner.Retry(job.Schema, job.Id) switch
        {
            MigrationRetryOutcome.Retrying => TypedResults.Ok(new MigrationJobSummary(job.Id, nameof(MigrationJobStatus.WaitingRun))),
            MigrationRetryOutcome.NotRunFailure => TypedResults.Conflict(new ErrorBody(
                $"job {job.Id} is {services.Runner.Find(job.Id)?.Status}: only a job that ended RunFailure can be retried")),
            _ => JobNotFound(name, id),
        };
    }

    private static MigrationJob? FindJob(string name, string id, MigrationServices services) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var jobId)
        && services.Runner.Find(jobId) is { } job && job.Schema == DatabaseName.Parse(name)
        && services.Catalog.Find(job.Schema)?.DbId == job.SchemaId
            ? job
            : null;

    private static NotFound<ErrorBody> SchemaNotFound(string name) =>
        TypedResults.NotFound(new ErrorBody($"schema database '{name}' not found"));

    private static NotFound<ErrorBody> JobNotFound(string name, string id) =>
        TypedResults.NotFound(new ErrorBody($"migration job '{id}' of schema database '{name}' not found"));

    private static BadRequest<ErrorBody> NotASchema(string name, DatabaseKind? kind) =>
        TypedResults.BadRequest(new ErrorBody(
            $"database '{name}' is a {DatabaseProvisioner.KindName(kind ?? DatabaseKind.Standalone)} database, not a schema database: "
            + "migrations are applied to a schema database (created with \"is_schema\": true) and fan out to its children"));
}

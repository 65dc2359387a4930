using Tenancy;
using Tenancy.Databases;

namespace TenantService.Apis;

/// <summary>
/// Answers a create request whose body is missing, too large, not JSON or breaks a rule, reporting
/// every problem at once; the handler only ever sees a request it can act on.
/// </summary>
internal sealed class CreateDatabaseValidationFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var body = context.Arguments.OfType<JsonBody<CreateDatabaseRequest>>().Single();
        if (body.Problem is { } problem)
        {
            return ValueTask.FromResult<object?>(TypedResults.Json(
                new ErrorBody(problem), PlatformJsonContext.Default.ErrorBody, statusCode: body.ProblemStatus));
        }

        var problems = Validate(body.Value!);
        if (problems.Count > 0)
        {
            return ValueTask.FromResult<object?>(TypedResults.BadRequest(new ErrorBody(string.Join(" ", problems))));
        }

        return next(context);
    }

    internal static List<string> Validate(CreateDatabaseRequest request)
    {
        var problems = new List<string>();
        if (!DatabaseName.TryCreate(request.Name, out _, out var nameError))
        {
            problems.Add(request.Name is null ? $"'name' is required: {DatabaseName.Rule}." : $"'name': {nameError}");
        }

        CheckOptionalName(request.Group, "group", problems);
        CheckOptionalName(request.Schema, "schema", problems);
        if (request.IsSchema == true && request.Schema is not null)
        {
            problems.Add("'is_schema' and 'schema' cannot be combined: a schema database does not follow another schema; send one of them.");
        }

        if (request.Seed is { } seed)
        {
            if (seed.Type is not (DatabaseSeed.DatabaseType or DatabaseSeed.BackupType))
            {
                problems.Add($"'seed.type' must be \"{DatabaseSeed.DatabaseType}\" (copy an existing database) or \"{DatabaseSeed.BackupType}\" (from a database's backups, also a deleted one's).");
            }

            if (seed.Timestamp is { } timestamp && !Backups.BackupTime.TryParse(timestamp, out _))
            {
                problems.Add($"'seed.timestamp' is '{timestamp}': expected {Backups.BackupTime.Rule}.");
            }

            if (!DatabaseName.TryCreate(seed.Name, out _, out var seedError))
            {
                problems.Add(seed.Name is null ? "'seed.name' is required: the database to copy." : $"'seed.name': {seedError}");
            }

            if (request.Schema is not null)
            {
                problems.Add("'seed' and 'schema' cannot be combined: a copy keeps its seed's tables (a copy of a child follows the seed's schema).");
            }
        }

        return problems;
    }

    private static void CheckOptionalName(string? value, string field, List<string> problems)
    {
        if (value is not null && !DatabaseName.TryCreate(value, out _, out var error))
        {
            problems.Add($"'{field}': {error}");
        }
    }
}

using Tenancy;
using TenantService.Apis;

namespace TenantService.Migrations;

/// <summary>
/// Answers a migration request whose body is missing, too large, not JSON, or whose SQL or lock mode is unusable,
/// reporting every problem at once; the parsed <see cref="MigrationScript"/> is handed to the handler.
/// </summary>
internal sealed class MigrationRequestFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var body = context.Arguments.OfType<JsonBody<MigrationRequest>>().Single();
        if (body.Problem is { } problem)
        {
            return ValueTask.FromResult<object?>(TypedResults.Json(
                new ErrorBody(problem), PlatformJsonContext.Default.ErrorBody, statusCode: body.ProblemStatus));
        }

        var request = body.Value!;
        var problems = new List<string>();
        if (!TryParseLock(request.Lock, out _))
        {
            problems.Add($"'lock' must be \"rolling\" (each child write-blocked only while it is migrated) or \"all\" (every child write-blocked for the whole job), not \"{request.Lock}\".");
        }

        var script = MigrationScript.TryParse(request.Sql, out var sqlProblem);
        if (script is null)
        {
            problems.Add(sqlProblem);
        }

        if (problems.Count > 0)
        {
            return ValueTask.FromResult<object?>(TypedResults.BadRequest(new ErrorBody(string.Join(" ", problems))));
        }

        context.HttpContext.Items[typeof(MigrationScript)] = script;
        return next(context);
    }

    public static bool TryParseLock(string? value, out MigrationLockMode lockMode)
    {
        (var known, lockMode) = value switch
        {
            null or "rolling" => (true, MigrationLockMode.Rolling),
            "all" => (true, MigrationLockMode.All),
            _ => (false, MigrationLockMode.Rolling),
        };
        return known;
    }
}

using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Data.Sqlite;
using Tenancy.Connections;

namespace TodoService.Apis;

/// <summary>
/// Answers malformed, oversized and unreadable requests, refused database writes, and a remote database that is down
/// or gone, with problem details that name the problem, instead of a bare 400 or 500.
/// </summary>
internal sealed class RequestProblemHandler(IProblemDetailsService problems) : IExceptionHandler
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteFull = 13;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = Describe(exception, context);
        if (problem is null)
        {
            return false;
        }

        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails? Describe(Exception exception, HttpContext context)
    {
        // Kestrel's body-size refusal surfaces wrapped in the parameter binder's own exception.
        var innermostBadRequest = exception;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is BadHttpRequestException)
            {
                innermostBadRequest = inner;
            }
        }

        switch (innermostBadRequest)
        {
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large", "The request body is over the 1 MiB limit.");
            case BadHttpRequestException { InnerException: JsonException json }:
                return InvalidJson(json);
            case BadHttpRequestException bad:
                return Problem(bad.StatusCode, "Bad request", bad.Message);
            case SqliteException { SqliteErrorCode: SqliteFull }:
                return Problem(StatusCodes.Status507InsufficientStorage, "Database full",
                    "Your database reached its size limit; writes are refused until data is deleted. Reads go on.");
            case SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked }:
                context.Response.Headers.RetryAfter = "1";
                return Problem(StatusCodes.Status503ServiceUnavailable, "Database busy", "Your database is locked by another writer; retry shortly.");
            case TenantUnavailableException unavailable:
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(unavailable.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return Problem(StatusCodes.Status503ServiceUnavailable, "Database unavailable", unavailable.MayHaveRun && !HttpMethods.IsGet(context.Request.Method)
                    ? "Your database's server did not answer in time; the change may have been saved. Check before sending it again."
                    : "Your database's server cannot be reached right now; retry shortly.");
            case TenantNotFoundException:
                return Problem(StatusCodes.Status404NotFound, "Database not found", "Your database does not exist any more.");
            default:
                return null;
        }
    }

    private static HttpValidationProblemDetails InvalidJson(JsonException json)
    {
        var field = json.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "body";
        var (key, message) = json.Message switch
        {
            var text when text.Contains("could not be mapped", StringComparison.Ordinal) => (field, $"'{field}' is not a field of this request."),
            var text when text.Contains("could not be converted", StringComparison.Ordinal) => (field, $"'{field}' has the wrong type."),
            _ => ("body", $"The body is not valid JSON (near '{field}', line {json.LineNumber + 1})."),
        };

        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [key] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "Invalid request body",
            Detail = message,
        };
    }

    private static ProblemDetails Problem(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };
}

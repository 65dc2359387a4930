using Microsoft.AspNetCore.Http;

namespace Tenancy;

/// <summary>
/// Every JSON error answer of the platform except the libSQL protocol's own (the platform API, refused credentials,
/// rate limits, the gateway): <c>{"error": "..."}</c> as contracts.md has it, with the same text as <c>message</c>.
/// <see cref="WriteAsync"/> types it exactly <c>application/json</c>: the only shape libSQL clients read a reason from
/// instead of showing a bare status.
/// </summary>
/// <param name="Error">What went wrong, in a sentence for the caller.</param>
public sealed record ErrorBody(string Error)
{
    /// <summary>The same text as <see cref="Error"/>, where libSQL clients look for it.</summary>
    public string Message => Error;

    /// <summary>Answers <paramref name="response"/> with <paramref name="status"/> and this body.</summary>
    /// <param name="response">The response, not started yet.</param>
    /// <param name="status">The HTTP status.</param>
    /// <param name="error">What went wrong.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The write.</returns>
    public static Task WriteAsync(HttpResponse response, int status, string error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = status;
        return response.WriteAsJsonAsync(new ErrorBody(error), ErrorBodyJsonContext.Default.ErrorBody, "application/json", cancellationToken);
    }
}

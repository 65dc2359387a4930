using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http.Extensions;
using WebApp.Identity;

namespace WebApp.Todos;

/// <summary>
/// The signed-in user's todos through the gateway's <c>/api</c>, with the user's own session token: the gateway
/// authenticates, provisions the user's database and applies their rate limit, exactly as for any other client.
/// </summary>
internal sealed partial class TodoApi(HttpClient gateway, IHttpContextAccessor accessor, ILogger<TodoApi> logger)
{
    public Task<TodoApiResult<bool>> EnsureDatabaseAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "/api/me", null, static _ => Task.FromResult(true), cancellationToken);

    /// <summary>The newest <paramref name="shown"/> todos, a page of at most 100 per call.</summary>
    public async Task<TodoApiResult<TodoList>> ListAsync(int shown, CancellationToken cancellationToken)
    {
        var items = new List<Todo>(shown);
        string? cursor = null;
        do
        {
            var query = new QueryBuilder { { "limit", Math.Min(shown - items.Count, 100).ToString(CultureInfo.InvariantCulture) } };
            if (cursor is not null)
            {
                query.Add("cursor", cursor);
            }

            var page = await SendAsync(HttpMethod.Get, "/api/todos" + query, null,
                async content => (await content.ReadFromJsonAsync<TodoPage>(cancellationToken))!, cancellationToken);
            if (!page.Succeeded)
            {
                return new(null, page.Problem);
            }

            items.AddRange(page.Value!.Items);
            cursor = page.Value.NextCursor;
        }
        while (cursor is not null && items.Count < shown);

        return new(new TodoList(items, cursor is not null), null);
    }

    public Task<TodoApiResult<bool>> AddAsync(string description, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "/api/todos", new { description }, static _ => Task.FromResult(true), cancellationToken);

    public Task<TodoApiResult<bool>> UpdateAsync(long id, string? description, bool? completed, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Patch, $"/api/todos/{id}", new { description, completed }, static _ => Task.FromResult(true), cancellationToken);

    public Task<TodoApiResult<bool>> DeleteAsync(long id, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"/api/todos/{id}", null, static _ => Task.FromResult(true), cancellationToken);

    private async Task<TodoApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, Func<HttpContent, Task<T>> read, CancellationToken cancellationToken)
    {
        // The token of the request being served, never one kept between requests: one user's page cannot reach another's data.
        if (accessor.HttpContext is not { } context || SessionCookies.Read(context) is not { } token)
        {
            return new(default, "Your session has ended; sign in again.");
        }

        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: new(System.Text.Json.JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });
        }

        try
        {
            using var response = await gateway.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return new(await read(response.Content), null);
            }

            var detail = await ProblemDetailAsync(response, cancellationToken);
            LogRefused(logger, method.Method, path, (int)response.StatusCode, detail);
            return new(default, Explain(response.StatusCode, detail));
        }
        catch (HttpRequestException exception)
        {
            LogUnreachable(logger, exception);
            return new(default, "The todo service cannot be reached; try again in a moment.");
        }
    }

    // The words a user reads: what happened and what to do, never a stack trace.
    private static string Explain(HttpStatusCode status, string? detail) => status switch
    {
        HttpStatusCode.ServiceUnavailable => "Your database is being updated or is busy; try again in a moment.",
        HttpStatusCode.TooManyRequests => "Too many requests right now; try again in a moment.",
        HttpStatusCode.Unauthorized => "Your session has ended; sign in again.",
        HttpStatusCode.NotFound => "That todo no longer exists; it may have been deleted elsewhere.",
        HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity when detail is not null => detail,
        HttpStatusCode.RequestEntityTooLarge => "That is too long to save.",
        _ => $"The todo service could not do that (HTTP {(int)status}); try again in a moment.",
    };

    private static async Task<string?> ProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<Problem>(cancellationToken);
            return problem?.Errors?.Values.SelectMany(messages => messages).FirstOrDefault() ?? problem?.Detail;
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or NotSupportedException)
        {
            return null;
        }
    }

    private sealed record Problem(string? Detail, Dictionary<string, string[]>? Errors);

    [LoggerMessage(Level = LogLevel.Information, Message = "The todo API refused {Method} {Path} with HTTP {Status}: {Detail}")]
    private static partial void LogRefused(ILogger logger, string method, string path, int status, string? detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The todo API could not be reached")]
    private static partial void LogUnreachable(ILogger logger, Exception exception);
}

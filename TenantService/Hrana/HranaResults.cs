using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace TenantService.Hrana;

/// <summary>A pipeline's answer: the new baton (null when the stream closed) and one result per request.</summary>
internal sealed class PipelineJson(string? baton, IReadOnlyList<StreamOutcome> outcomes) : IResult
{
    public string? Baton { get; } = baton;

    public IReadOnlyList<StreamOutcome> Outcomes { get; } = outcomes;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json";
        using var output = new JsonBodyWriter(httpContext.Response.BodyWriter, httpContext.RequestAborted);
        await HranaJson.WritePipelineAsync(output, Baton, Outcomes);
        await output.FlushAsync();
    }
}

/// <summary>A <c>v3/cursor</c> answer: a line with the baton, then one line per cursor entry.</summary>
internal sealed class CursorJson(string? baton, BatchResult batch) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "text/plain";
        using var output = new JsonBodyWriter(httpContext.Response.BodyWriter, httpContext.RequestAborted);
        output.Json.WriteStartObject();
        HranaJson.WriteBaton(output.Json, baton);
        output.Json.WriteEndObject();
        output.EndLine();
        await HranaJson.WriteCursorEntriesAsync(output, batch);
        await output.FlushAsync();
    }
}

/// <summary>An HTTP-level failure in the protocol's <c>Error</c> shape, <c>{"message", "code"}</c>, which libSQL clients read.</summary>
internal sealed class HranaHttpError(int statusCode, HranaError error, TimeSpan? retryAfter = null) : IResult
{
    public int StatusCode { get; } = statusCode;

    public HranaError Error { get; } = error;

    /// <summary>When a refused request may succeed if sent again (<c>Retry-After</c>, whole seconds).</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCode;
        if (RetryAfter is { } wait)
        {
            httpContext.Response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        httpContext.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter);
        Error.WriteTo(writer);
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}

using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Adds <c>Server-Timing: app;dur=&lt;ms&gt;</c> to every answer: the time from the request reaching
/// the application to its response starting, so clients and benchmarks see the service's own share.
/// </summary>
public static class ServerTiming
{
    /// <summary>The response header this middleware sets.</summary>
    public const string HeaderName = "Server-Timing";

    /// <summary>Times every request from here on; call it first, so authentication and error handling count too.</summary>
    /// <param name="app">The service's pipeline.</param>
    /// <returns>The pipeline.</returns>
    public static IApplicationBuilder UseServerTiming(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        var started = Stopwatch.GetTimestamp();
        context.Response.OnStarting(static state =>
        {
            var (response, started) = ((HttpResponse, long))state;
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            response.Headers[HeaderName] = string.Create(CultureInfo.InvariantCulture, $"app;dur={elapsed:0.###}");
            return Task.CompletedTask;
        }, (context.Response, started));
        return next(context);
    });
}

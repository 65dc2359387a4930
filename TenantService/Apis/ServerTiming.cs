using System.Diagnostics;
using System.Globalization;

namespace TenantService.Apis;

/// <summary>
/// Adds <c>Server-Timing: app;dur=&lt;ms&gt;</c> to every answer: the time from the request reaching
/// the application to its response starting, so clients and benchmarks see the service's own share.
/// </summary>
internal static class ServerTiming
{
    public static IApplicationBuilder UseServerTiming(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        var started = Stopwatch.GetTimestamp();
        context.Response.OnStarting(static state =>
        {
            var (response, started) = ((HttpResponse, long))state;
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture, $"app;dur={elapsed:0.###}");
            return Task.CompletedTask;
        }, (context.Response, started));
        return next(context);
    });
}

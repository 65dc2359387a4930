using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>The platform's Redis, the AppHost's <c>cache</c> resource, through Aspire's Redis client integration.</summary>
public static class CacheClient
{
    /// <summary>The connection name: the AppHost hands the address over as <c>ConnectionStrings__cache</c>.</summary>
    public const string ConnectionName = "cache";

    /// <summary>
    /// Adds Aspire's Redis client for <c>ConnectionStrings:cache</c>: one shared <see cref="IConnectionMultiplexer"/>,
    /// a health check on <c>/health</c> and a span for each command sent inside a traced operation. Aspire's defaults leave
    /// AbortOnConnectFail off, so a service starts while Redis is down and keeps reconnecting; a missing or empty
    /// connection string stops it here, naming the setting.
    /// </summary>
    /// <remarks>
    /// The spans come from OpenTelemetry's own StackExchange.Redis instrumentation rather than the copy Aspire's client
    /// embeds: that copy keeps every traced operation's profiling session, and its Activity, until a drain every 10 s
    /// (9,500 of them, 8 MiB of heap, in tenantservice creating 1,000 databases a second); this one drains commands as
    /// they finish and polls every 100 ms while there are any.
    /// </remarks>
    /// <param name="builder">The service's builder.</param>
    /// <returns>The builder.</returns>
    public static TBuilder AddCacheClient<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddRedisClient(ConnectionName, settings =>
        {
            // Aspire's own message for an empty value is "is empty (Parameter 'configuration')", at start.
            if (string.IsNullOrWhiteSpace(settings.ConnectionString))
            {
                throw new InvalidOperationException(
                    $"Redis connection string 'ConnectionStrings:{ConnectionName}' is missing; set ConnectionStrings__{ConnectionName}=host:port (the AppHost does this).");
            }

            settings.DisableTracing = true;
        });
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddRedisInstrumentation());
        return builder;
    }
}

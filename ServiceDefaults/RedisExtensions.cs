using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the Redis client every service shares, the way Aspire's Redis integration does.</summary>
public static class RedisExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="IConnectionMultiplexer"/> for <c>ConnectionStrings:{connectionName}</c>,
    /// connected on first use and retrying in the background, with a health check and command tracing.
    /// </summary>
    public static TBuilder AddRedisClient<TBuilder>(this TBuilder builder, string connectionName) where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"Redis connection string 'ConnectionStrings:{connectionName}' is missing; set ConnectionStrings__{connectionName}=host:port (the AppHost does this).");
        }

        builder.Services.AddSingleton<RedisCommandTracer>();
        builder.Services.AddSingleton<IConnectionMultiplexer>(services =>
        {
            var options = ConfigurationOptions.Parse(connectionString);
            options.AbortOnConnectFail = false;
            var multiplexer = ConnectionMultiplexer.Connect(options);
            multiplexer.RegisterProfiler(services.GetRequiredService<RedisCommandTracer>().CurrentSession);
            return multiplexer;
        });

        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>(connectionName);
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing
            .AddSource(RedisCommandTracer.SourceName)
            .AddProcessor(services => services.GetRequiredService<RedisCommandTracer>()));

        return builder;
    }
}

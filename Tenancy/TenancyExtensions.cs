using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Tenancy.Connections;
using Tenancy.Databases;
using Tenancy.Metadata;

namespace Tenancy;

/// <summary>Registers the tenancy library's services.</summary>
public static class TenancyExtensions
{
    /// <summary>The configuration section of the database limits and the connection cache bounds.</summary>
    public const string SectionName = "Tenancy";

    /// <summary>
    /// Adds the <see cref="DatabaseLayout"/> of <c>DATA_DIR</c>, the guarded <see cref="TenantDatabaseFactory"/>
    /// (limits from the <c>Tenancy</c> section) and the <see cref="TenantMetadataStore"/> (needs a registered Redis client).
    /// </summary>
    /// <param name="builder">The service's builder.</param>
    /// <returns>The builder.</returns>
    public static TBuilder AddTenantDatabases<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var dataDir = builder.Configuration["DATA_DIR"] is { Length: > 0 } configured ? configured : Path.Combine(Directory.GetCurrentDirectory(), ".data");
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(new DatabaseLayout(Path.GetFullPath(dataDir)));
        builder.Services.TryAddSingleton(builder.Configuration.GetSection(SectionName).Get<TenantDatabaseOptions>() ?? new TenantDatabaseOptions());
        builder.Services.TryAddSingleton<TenantDatabaseFactory>();
        builder.Services.TryAddSingleton<TenantMetadataStore>();
        builder.Services.TryAddSingleton<ITenantDirectory>(provider => provider.GetRequiredService<TenantMetadataStore>());
        return builder;
    }

    /// <summary>
    /// Adds the <see cref="TenantConnectionCache"/> (bounds from the <c>Tenancy</c> section) kept current by tenant
    /// events and close requests from Redis, on top of <see cref="AddTenantDatabases{TBuilder}"/>. Cold tenants are looked
    /// up in the registered <see cref="ITenantDirectory"/> (Redis unless the service registered its own first).
    /// </summary>
    /// <param name="builder">The service's builder.</param>
    /// <returns>The builder.</returns>
    public static TBuilder AddTenantConnectionCache<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddTenantDatabases();
        builder.Services.TryAddSingleton(builder.Configuration.GetSection(SectionName).Get<TenantConnectionCacheOptions>() ?? new TenantConnectionCacheOptions());
        builder.Services.TryAddSingleton<TenantConnectionCache>();
        builder.Services.AddHostedService<TenantCacheInvalidation>();
        return builder;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Tenancy.Connections;
using Tenancy.Databases;
using Tenancy.Metadata;
using Tenancy.Storage;

namespace Tenancy;

/// <summary>Registers the tenancy library's services. Their settings are read once and validated at start.</summary>
public static class TenancyExtensions
{
    /// <summary>
    /// The configuration section of the database limits and the connection cache bounds: environment variables
    /// <c>Tenancy__StatementTimeout</c>, <c>Tenancy__MaxOpenDatabases</c>, ...
    /// </summary>
    public const string SectionName = "Tenancy";

    /// <summary>
    /// Adds the <see cref="DatabaseLayout"/> of <c>DATA_DIR</c> (default <see cref="DatabaseLayout.DefaultDataDirectory"/>
    /// under the current directory), the guarded <see cref="TenantDatabaseFactory"/> (<see cref="TenantDatabaseOptions"/>
    /// from the <c>Tenancy</c> section) and the <see cref="TenantMetadataStore"/> (needs a registered Redis client).
    /// </summary>
    /// <param name="builder">The service's builder.</param>
    /// <returns>The builder.</returns>
    public static TBuilder AddTenantDatabases<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSettings(DatabaseLayout.Read);
        builder.Services.AddSettings(TenantDatabaseOptions.Read);
        builder.Services.TryAddSingleton<TenantDatabaseFactory>();
        builder.Services.AddSettings(TenantLookupOptions.Read);
        builder.Services.TryAddSingleton<TenantMetadataStore>();
        builder.Services.TryAddSingleton<ITenantDirectory>(provider => provider.GetRequiredService<TenantMetadataStore>());
        return builder;
    }

    /// <summary>
    /// Adds the <see cref="TenantConnectionCache"/> (<see cref="TenantConnectionCacheOptions"/> from the <c>Tenancy</c>
    /// section) kept current by tenant events and close requests from Redis, on top of <see cref="AddTenantDatabases{TBuilder}"/>.
    /// Tenants whose record has a placement are reached on their remote backend (<see cref="StorageOptions"/>) through <see cref="RemoteDatabases"/>.
    /// Cold tenants are looked up in the registered <see cref="ITenantDirectory"/> (Redis unless the service registered its own first).
    /// </summary>
    /// <param name="builder">The service's builder.</param>
    /// <returns>The builder.</returns>
    public static TBuilder AddTenantConnectionCache<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddTenantDatabases();
        builder.Services.AddSettings(ReadConnectionCacheOptions);
        builder.Services.AddSettings(StorageOptions.Read);
        builder.Services.TryAddSingleton<RemoteDatabases>();
        builder.Services.TryAddSingleton<TenantConnectionCache>();
        builder.Services.AddHostedService<TenantCacheInvalidation>();
        return builder;
    }

    /// <summary>Adds the <see cref="TenantSchemaOptions"/>: the schemas new users' and organizations' databases follow.</summary>
    /// <param name="builder">The service's builder.</param>
    /// <returns>The builder.</returns>
    public static TBuilder AddTenantSchemas<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSettings(TenantSchemaOptions.Read);
        return builder;
    }

    private static TenantConnectionCacheOptions ReadConnectionCacheOptions(SettingsReader settings)
    {
        var defaults = new TenantConnectionCacheOptions();
        return new TenantConnectionCacheOptions
        {
            MaxOpenDatabases = settings.Number("Tenancy__MaxOpenDatabases", defaults.MaxOpenDatabases, minimum: 1),
            MaxRemoteDatabases = settings.Number("Tenancy__MaxRemoteDatabases", defaults.MaxRemoteDatabases, minimum: 1),
            RemoteTimeout = settings.Duration("Tenancy__RemoteTimeout", defaults.RemoteTimeout, minimum: TimeSpan.FromMilliseconds(1)),
            RemoteReadRetries = settings.Number("Tenancy__RemoteReadRetries", defaults.RemoteReadRetries, minimum: 0, maximum: 10),
            RememberedTenants = settings.Number("Tenancy__RememberedTenants", defaults.RememberedTenants, minimum: 0, maximum: 1_000_000),
            IdleTimeout = settings.Duration("Tenancy__IdleTimeout", defaults.IdleTimeout, minimum: TimeSpan.FromMilliseconds(1)),
            ReadersPerDatabase = settings.Number("Tenancy__ReadersPerDatabase", defaults.ReadersPerDatabase, minimum: 1),
            WriteBlockWait = settings.Duration("Tenancy__WriteBlockWait", defaults.WriteBlockWait, minimum: TimeSpan.Zero),
            WriteTransactionGrace = settings.Duration("Tenancy__WriteTransactionGrace", defaults.WriteTransactionGrace, minimum: TimeSpan.Zero),
            CloseTimeout = settings.Duration("Tenancy__CloseTimeout", defaults.CloseTimeout, minimum: TimeSpan.FromMilliseconds(1)),
        };
    }
}

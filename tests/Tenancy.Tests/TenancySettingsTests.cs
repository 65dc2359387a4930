using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tenancy.Connections;
using Tenancy.Databases;
using Tenancy.Identity;

namespace Tenancy.Tests;

/// <summary>Tenancy's settings (DATA_DIR, Tenancy__*, USER_SCHEMA/ORG_SCHEMA, the token settings) are read once and validated at start.</summary>
public sealed class TenancySettingsTests
{
    [Fact]
    public async Task BadSettingsStopTheStartWithOneExceptionNamingEachOfThem()
    {
        using var host = HostWith(new()
        {
            ["Tenancy:StatementTimeout"] = "0",
            ["Tenancy:MaxDatabaseSizeBytes"] = "-1",
            ["Tenancy:MaxOpenDatabases"] = "lots",
            ["Tenancy:IdleTimeout"] = "five minutes",
            ["Tenancy:RememberedTenants"] = "-1",
            ["USER_SCHEMA"] = "Todos_Schema",
            ["CLERK_ISSUER"] = "ftp://clerk.example.com",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(7, error.Failures.Count());
        Assert.Contains("Tenancy__StatementTimeout is '0': set a time written hh:mm:ss[.fff] from 00:00:00.001 to 24.20:31:23.647, or unset it for the default (00:00:02)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Tenancy__MaxDatabaseSizeBytes is '-1': set a whole number from 1 to", error.Message, StringComparison.Ordinal);
        Assert.Contains("Tenancy__MaxOpenDatabases is 'lots': set a whole number from 1 to 2147483647, or unset it for the default (1000)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Tenancy__IdleTimeout is 'five minutes'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Tenancy__RememberedTenants is '-1': set a whole number from 0 to 1000000, or unset it for the default (10000)", error.Message, StringComparison.Ordinal);
        Assert.Contains("USER_SCHEMA is 'Todos_Schema': a database name is 1-64 characters", error.Message, StringComparison.Ordinal);
        Assert.Contains("CLERK_ISSUER 'ftp://clerk.example.com' is not an absolute http(s) URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsetSettingsKeepTheDocumentedDefaults()
    {
        using var host = HostWith(new() { ["Tenancy:MaxOpenDatabases"] = " ", ["DURABLE_CREATES"] = "" });
        var services = host.Services;

        Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), ".data"), services.GetRequiredService<DatabaseLayout>().DataDirectory);
        var limits = services.GetRequiredService<IOptions<TenantDatabaseOptions>>().Value;
        Assert.Equal((TimeSpan.FromSeconds(2), 1L << 30, 16 << 20, TimeSpan.FromSeconds(5)), (limits.StatementTimeout, limits.MaxDatabaseSizeBytes, limits.MaxValueBytes, limits.BusyTimeout));
        var cache = services.GetRequiredService<TenantConnectionCacheOptions>();
        Assert.Equal((1000, 10_000, TimeSpan.FromMinutes(5), 2, TimeSpan.FromSeconds(2)), (cache.MaxOpenDatabases, cache.RememberedTenants, cache.IdleTimeout, cache.ReadersPerDatabase, cache.WriteBlockWait));
        var schemas = services.GetRequiredService<TenantSchemaOptions>();
        Assert.Equal(("todos-schema", "workspace-schema"), (schemas.UserSchema.Value, schemas.OrganizationSchema.Value));
        Assert.Equal(TokenIssuerMode.None, services.GetRequiredService<TenantIdentityOptions>().Mode);
        Assert.Same(services.GetRequiredService<IOptions<TenantDatabaseOptions>>().Value, services.GetRequiredService<TenantDatabaseFactory>().Options);
    }

    [Fact]
    public void SetSettingsAreReadInEitherSpelling()
    {
        using var host = HostWith(new()
        {
            ["DATA_DIR"] = "/srv/tenants/",
            ["Tenancy:MaxOpenDatabases"] = " 5 ",
            ["Tenancy:StatementTimeout"] = "00:00:00.250",
            ["ORG_SCHEMA"] = "teams-schema",
        });

        Assert.Equal("/srv/tenants/", host.Services.GetRequiredService<DatabaseLayout>().DataDirectory);
        Assert.Equal(5, host.Services.GetRequiredService<TenantConnectionCacheOptions>().MaxOpenDatabases);
        Assert.Equal(TimeSpan.FromMilliseconds(250), host.Services.GetRequiredService<TenantDatabaseOptions>().StatementTimeout);
        Assert.Equal("teams-schema", host.Services.GetRequiredService<TenantSchemaOptions>().OrganizationSchema.Value);
    }

    [Fact]
    public async Task TheWalBoundAndTheTempCapDefaultTo64And16MiBAndRefuseBadValues()
    {
        using (var host = HostWith([]))
        {
            var limits = host.Services.GetRequiredService<IOptions<TenantDatabaseOptions>>().Value;
            Assert.Equal((64L << 20, 16L << 20), (limits.MaxWalSizeBytes, limits.MaxTempSizeBytes));
        }

        using var bad = HostWith(new() { ["Tenancy:MaxWalSizeBytes"] = "4096", ["Tenancy:MaxTempSizeBytes"] = "0" });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => bad.StartAsync());
        Assert.Contains("Tenancy__MaxWalSizeBytes is '4096': set a whole number from 1048576", error.Message, StringComparison.Ordinal);
        Assert.Contains("Tenancy__MaxTempSizeBytes is '0': set a whole number from 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoteSessionSettingsDefaultTo5s2RetriesAnd10000DatabasesAndRefuseBadValues()
    {
        using (var host = HostWith([]))
        {
            var cache = host.Services.GetRequiredService<TenantConnectionCacheOptions>();
            Assert.Equal((TimeSpan.FromSeconds(5), 2, 10_000), (cache.RemoteTimeout, cache.RemoteReadRetries, cache.MaxRemoteDatabases));
            Assert.Empty(host.Services.GetRequiredService<Storage.StorageOptions>().Backends);
        }

        using var bad = HostWith(new()
        {
            ["Tenancy:RemoteTimeout"] = "0",
            ["Tenancy:RemoteReadRetries"] = "11",
            ["Tenancy:MaxRemoteDatabases"] = "0",
            ["STORAGE_BACKENDS"] = "node-b",
        });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => bad.StartAsync());
        Assert.Contains("Tenancy__RemoteTimeout is '0'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Tenancy__RemoteReadRetries is '11': set a whole number from 0 to 10", error.Message, StringComparison.Ordinal);
        Assert.Contains("Tenancy__MaxRemoteDatabases is '0': set a whole number from 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("STORAGE_NODE_B_URL", error.Message, StringComparison.Ordinal);
    }

    private static IHost HostWith(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            // A local run's environment: outside Development the dev issuer is refused when no Clerk setting is set.
            EnvironmentName = Environments.Development,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddTenantConnectionCache();
        builder.AddTenantSchemas();
        builder.AddTenantAuthentication();
        // The cache's Redis is never reached: settings are read before any service that needs them is made.
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => throw new InvalidOperationException("These tests need no Redis."));
        return builder.Build();
    }
}

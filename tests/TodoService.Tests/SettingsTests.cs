using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tenancy.Connections;
using Tenancy.Databases;
using Tenancy.Identity;

namespace TodoService.Tests;

/// <summary>Every setting of todoservice is read once at start: a bad one stops it, naming the setting; unset ones keep their defaults.</summary>
public sealed class SettingsTests(TodoServiceFixture fixture) : IClassFixture<TodoServiceFixture>
{
    [Fact]
    public async Task BadSettingsStopTheStartWithOneExceptionNamingEveryOne()
    {
        await using var host = fixture.NewHost(new Dictionary<string, string?>
        {
            ["Tenancy:MaxOpenDatabases"] = "0",
            ["Tenancy:ReadersPerDatabase"] = "two",
            ["Tenancy:StatementTimeout"] = "-00:00:01",
            ["DEV_JWT_SIGNING_KEY"] = "not a key",
        });

        var error = Assert.Throws<OptionsValidationException>(() => host.CreateClient());

        Assert.Equal(4, error.Failures.Count());
        Assert.Contains("Tenancy__MaxOpenDatabases is '0': set a whole number from 1 to 2147483647, or unset it for the default (1000)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Tenancy__ReadersPerDatabase is 'two': set a whole number from 1 to 2147483647, or unset it for the default (2)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Tenancy__StatementTimeout is '-00:00:01': set a time written hh:mm:ss[.fff] from 00:00:00.001", error.Message, StringComparison.Ordinal);
        Assert.Contains("DEV_JWT_SIGNING_KEY is not a PEM RSA private key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutsideDevelopmentTheDevKeyAloneStopsTheStartSayingWhatToSet()
    {
        // The gateway's rule holds here too: dev tokens are accepted in Development only.
        await using var host = fixture.NewHost();
        await using var production = host.WithWebHostBuilder(builder => builder.UseEnvironment(Environments.Production));

        var error = Assert.Throws<OptionsValidationException>(() => production.CreateClient());

        Assert.Contains("Neither CLERK_ISSUER nor CLERK_JWT_KEY is set", error.Message, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_ENVIRONMENT=Development", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsetSettingsKeepTheDocumentedDefaults()
    {
        await using var host = fixture.NewHost();
        var services = host.Services;

        Assert.Equal(Path.GetFullPath(fixture.DataDirectory), services.GetRequiredService<DatabaseLayout>().DataDirectory);
        var limits = services.GetRequiredService<TenantDatabaseOptions>();
        Assert.Equal((TimeSpan.FromSeconds(2), 1L << 30), (limits.StatementTimeout, limits.MaxDatabaseSizeBytes));
        var cache = services.GetRequiredService<TenantConnectionCacheOptions>();
        Assert.Equal((1000, TimeSpan.FromMinutes(5)), (cache.MaxOpenDatabases, cache.IdleTimeout));
        Assert.Equal(TokenIssuerMode.Dev, services.GetRequiredService<TenantIdentityOptions>().Mode);
        Assert.Equal(10, services.GetRequiredService<TracingOptions>().TracesPerSecond);
    }
}

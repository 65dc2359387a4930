using Gateway.Provisioning;
using Gateway.RateLimiting;
using Gateway.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Databases;
using Tenancy.Identity;
using Tenancy.Metadata;

namespace Gateway.Tests;

/// <summary>Every setting of the gateway is read once at start: a bad one stops it, naming the setting; unset ones keep their defaults.</summary>
public sealed class SettingsTests : IAsyncLifetime
{
    private FakeBackend todoService = null!;
    private FakeBackend tenantService = null!;

    public async Task InitializeAsync()
    {
        todoService = await FakeBackend.StartAsync("todoservice");
        tenantService = await FakeBackend.StartAsync("tenantservice");
    }

    public async Task DisposeAsync()
    {
        await todoService.DisposeAsync();
        await tenantService.DisposeAsync();
    }

    [Fact]
    public async Task BadSettingsStopTheStartWithOneExceptionNamingEveryOne()
    {
        var settings = GatewayFactory.Settings(todoService, tenantService);
        settings["TENANT_RATE_LIMIT"] = "0";
        settings["USER_SCHEMA"] = "Todos Schema";
        settings["CLERK_ISSUER"] = "clerk.example.com";
        settings["TRACES_PER_SECOND"] = "ten";
        settings["TENANT_LOOKUP_TIMEOUT_MS"] = "0";
        await using var factory = new GatewayFactory(settings, new FakeTimeProvider());

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Equal(5, error.Failures.Count());
        Assert.Contains("TENANT_RATE_LIMIT is '0': set a whole number from 1 to 1073741823, or unset it for the default (50)", error.Message, StringComparison.Ordinal);
        Assert.Contains("USER_SCHEMA is 'Todos Schema': a database name is 1-64 characters", error.Message, StringComparison.Ordinal);
        Assert.Contains("CLERK_ISSUER 'clerk.example.com' is not an absolute http(s) URL", error.Message, StringComparison.Ordinal);
        Assert.Contains("TENANT_LOOKUP_TIMEOUT_MS is '0': set a whole number of milliseconds from 1 to 60000, or unset it for the default (1000)", error.Message, StringComparison.Ordinal);
        Assert.Contains("TRACES_PER_SECOND is 'ten': set a whole number from 0 to 2147483647, or unset it for the default (10)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsetSettingsKeepTheDocumentedDefaults()
    {
        var settings = GatewayFactory.Settings(todoService, tenantService);
        settings.Remove("PLATFORM_ORG");
        settings.Remove("USER_SCHEMA");
        settings["DEV_JWT_SIGNING_KEY"] = DevKey.Pem;
        await using var factory = new GatewayFactory(settings, new FakeTimeProvider());
        var services = factory.Services;

        Assert.Equal(50, services.GetRequiredService<TenantRateLimitOptions>().RequestsPerSecond);
        var provisioning = services.GetRequiredService<ProvisioningOptions>();
        Assert.Equal(("local", TimeSpan.FromSeconds(30)), (provisioning.Organization, provisioning.CreationTimeout));
        Assert.Equal(TimeSpan.FromSeconds(1), services.GetRequiredService<TenantLookupOptions>().LookupTimeout);
        Assert.Equal("todos-schema", services.GetRequiredService<TenantSchemaOptions>().UserSchema.Value);
        var identity = services.GetRequiredService<TenantIdentityOptions>();
        Assert.Equal((TokenIssuerMode.Dev, GatewayFactory.PlatformToken), (identity.Mode, identity.PlatformApiToken));
        Assert.Equal(10, services.GetRequiredService<TracingOptions>().TracesPerSecond);
    }
}

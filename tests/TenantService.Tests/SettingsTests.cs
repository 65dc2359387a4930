using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tenancy.Databases;
using TenantService.Hrana;
using TenantService.Migrations;
using TenantService.Webhooks;
using Testing;

namespace TenantService.Tests;

/// <summary>Every setting of tenantservice is read once at start: a bad one stops it, naming the setting; unset ones keep their defaults.</summary>
[Collection(TenantServiceCollection.Name)]
public sealed class SettingsTests(RedisFixture redis) : IDisposable
{
    private readonly string _dataDirectory = TestData.NewDataDirectory();

    public void Dispose() => TestData.DeleteDirectory(_dataDirectory);

    [Fact]
    public async Task BadSettingsStopTheStartWithOneExceptionNamingEveryOne()
    {
        await using var app = new TenantServiceApp(_dataDirectory, redis.ConnectionString, new Dictionary<string, string?>
        {
            ["HRANA_MAX_STREAMS"] = "many",
            ["HRANA_STREAM_IDLE_TIMEOUT_MS"] = "-5",
            ["DURABLE_CREATES"] = "maybe",
            ["METADATA_CHECK_INTERVAL_MS"] = "0",
            ["MIGRATION_PARALLELISM"] = "2.5",
            ["CLERK_WEBHOOK_SECRET"] = "whsec_not base64!",
            ["ORG_SCHEMA"] = "-workspace",
            ["TRACES_PER_SECOND"] = "-1",
            ["HRANA_MAX_RESPONSE_BYTES"] = "10MB",
            ["HRANA_PLATFORM_RESERVED_STREAMS"] = "1000",
            ["DUMP_TIMEOUT_MS"] = "0",
        });

        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());

        Assert.Equal(11, error.Failures.Count());
        Assert.Contains("HRANA_MAX_STREAMS is 'many': set a whole number from 1 to 2147483647, or unset it for the default (1000)", error.Message, StringComparison.Ordinal);
        Assert.Contains("HRANA_STREAM_IDLE_TIMEOUT_MS is '-5': set a whole number of milliseconds from 1 to 2147483647, or unset it for the default (10000)", error.Message, StringComparison.Ordinal);
        Assert.Contains("DURABLE_CREATES is 'maybe': set true or false, or unset it for the default (true)", error.Message, StringComparison.Ordinal);
        Assert.Contains("METADATA_CHECK_INTERVAL_MS is '0': set a whole number of milliseconds from 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("MIGRATION_PARALLELISM is '2.5': set a whole number from 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("CLERK_WEBHOOK_SECRET is not 'whsec_' followed by base64", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not base64!", error.Message, StringComparison.Ordinal);
        Assert.Contains("ORG_SCHEMA is '-workspace': a database name is 1-64 characters", error.Message, StringComparison.Ordinal);
        Assert.Contains("TRACES_PER_SECOND is '-1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("HRANA_MAX_RESPONSE_BYTES is '10MB': set a whole number from 1", error.Message, StringComparison.Ordinal);
        // The reserve must leave everyone else at least one stream of HRANA_MAX_STREAMS (its default here, the bad value aside).
        Assert.Contains("HRANA_PLATFORM_RESERVED_STREAMS is '1000': set a whole number from 0 to 999", error.Message, StringComparison.Ordinal);
        Assert.Contains("DUMP_TIMEOUT_MS is '0': set a whole number of milliseconds from 1", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(new DatabaseLayout(_dataDirectory).PlatformDatabasePath), "nothing runs before the settings are checked");
    }

    [Fact]
    public async Task OutsideDevelopmentWithoutClerkSettingsTheStartStopsSayingWhatToSet()
    {
        await using var app = new TenantServiceApp(_dataDirectory, redis.ConnectionString, new Dictionary<string, string?>
        {
            ["DEV_JWT_SIGNING_KEY"] = TestTokens.NewSigningKeyPem(),
        });
        await using var production = app.WithWebHostBuilder(builder => builder.UseEnvironment(Environments.Production));

        var error = Assert.Throws<OptionsValidationException>(() => production.CreateClient());

        Assert.Contains("Neither CLERK_ISSUER nor CLERK_JWT_KEY is set", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(new DatabaseLayout(_dataDirectory).PlatformDatabasePath), "nothing runs before the settings are checked");
    }

    [Fact]
    public async Task UnsetSettingsKeepTheDocumentedDefaults()
    {
        await using var app = new TenantServiceApp(_dataDirectory, redis.ConnectionString, new Dictionary<string, string?>
        {
            ["PUBLIC_HOST"] = null,
            ["METADATA_CHECK_INTERVAL_MS"] = null,
        });
        var services = app.Services;

        Assert.Equal(_dataDirectory, services.GetRequiredService<DatabaseLayout>().DataDirectory);
        var platform = services.GetRequiredService<PlatformOptions>();
        Assert.Equal(("local", "localhost:8080", true, TimeSpan.FromSeconds(5)), (platform.Organization, platform.PublicHost, platform.DurableCreates, platform.MetadataCheckInterval));
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "Schemas"), platform.SchemasDirectory);
        var hrana = services.GetRequiredService<HranaOptions>();
        Assert.Equal((TimeSpan.FromSeconds(10), 1000, 32), (hrana.StreamIdleTimeout, hrana.MaxStreams, hrana.MaxStreamsPerCaller));
        Assert.Equal((10L << 20, 32L << 20), (hrana.MaxResponseBytes, hrana.MaxTotalResponseBytes));
        Assert.Equal((100, 62, 62), (hrana.PlatformReservedStreams, hrana.MaxStreamsPerDatabase, hrana.MaxStreamsPerAddress));
        Assert.Equal(TimeSpan.FromMinutes(5), platform.DumpTimeout);
        var migrations = services.GetRequiredService<MigrationOptions>();
        Assert.Equal((2 * Environment.ProcessorCount, TimeSpan.Zero), (migrations.Parallelism, migrations.TaskDelay));
        Assert.Null(services.GetRequiredService<ClerkWebhookOptions>().SigningKey);
        var schemas = services.GetRequiredService<TenantSchemaOptions>();
        Assert.Equal(("todos-schema", "workspace-schema"), (schemas.UserSchema.Value, schemas.OrganizationSchema.Value));
        Assert.Equal(10, services.GetRequiredService<TracingOptions>().TracesPerSecond);
    }
}

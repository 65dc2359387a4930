using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tenancy.Identity;

namespace Tenancy.Tests;

/// <summary>The credential settings: ORG_WRITE_ROLES, DATABASE_TOKEN_SIGNING_KEY, TOKEN_ROTATION_REFRESH_MS, read and validated at start.</summary>
public sealed class CredentialSettingsTests
{
    [Fact]
    public void UnsetCredentialSettingsKeepTheDocumentedDefaults()
    {
        using var host = HostWith([]);
        var identity = host.Services.GetRequiredService<TenantIdentityOptions>();

        Assert.Equal(["org:admin", "org:member"], identity.OrganizationWriteRoles);
        Assert.Null(identity.DatabaseTokenKey);
        Assert.Equal(TimeSpan.FromSeconds(30), host.Services.GetRequiredService<TokenRotationFeedOptions>().RefreshInterval);
    }

    [Fact]
    public void SetCredentialSettingsAreRead()
    {
        using var host = HostWith(new()
        {
            ["ORG_WRITE_ROLES"] = " org:admin , org:editor ",
            ["DATABASE_TOKEN_SIGNING_KEY"] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
            ["TOKEN_ROTATION_REFRESH_MS"] = "250",
        });
        var identity = host.Services.GetRequiredService<TenantIdentityOptions>();

        Assert.Equal(["org:admin", "org:editor"], identity.OrganizationWriteRoles);
        Assert.NotNull(identity.DatabaseTokenKey);
        Assert.Equal(TimeSpan.FromMilliseconds(250), host.Services.GetRequiredService<TokenRotationFeedOptions>().RefreshInterval);
    }

    [Fact]
    public async Task BadCredentialSettingsStopTheStartNamingEach()
    {
        using var host = HostWith(new()
        {
            ["ORG_WRITE_ROLES"] = "admin,org:member",
            ["DATABASE_TOKEN_SIGNING_KEY"] = "too-short",
            ["TOKEN_ROTATION_REFRESH_MS"] = "0",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("ORG_WRITE_ROLES lists a role without Clerk's 'org:' prefix", error.Message, StringComparison.Ordinal);
        Assert.Contains("DATABASE_TOKEN_SIGNING_KEY is not base64url of at least 32 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("TOKEN_ROTATION_REFRESH_MS is '0'", error.Message, StringComparison.Ordinal);
    }

    private static IHost HostWith(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddTenantAuthentication();
        builder.Services.AddSettings(TokenRotationFeedOptions.Read);
        return builder.Build();
    }
}

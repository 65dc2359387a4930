using Tenancy.Identity;
using TenantService.Tokens;

// In the hosting namespace, like AddServiceDefaults, so Program.cs and Extensions.cs need no extra using.
namespace Microsoft.Extensions.Hosting;

/// <summary>Registers database and group tokens: minting, rotation (platform.db, then Redis), and group checks from platform.db.</summary>
internal static class TokensExtensions
{
    public static IHostApplicationBuilder AddDatabaseTokens(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.AddTokenRotationFeed();
        services.AddSingleton<TokenRotationJournal>();
        services.AddSingleton<TokenRotator>();
        services.AddSingleton<IDatabaseGroups, CatalogDatabaseGroups>();
        services.AddHostedService<TokenRotationSync>();
        return builder;
    }
}

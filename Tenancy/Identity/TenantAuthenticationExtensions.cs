using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tenancy.Identity;

/// <summary>Registers the bearer authentication that the gateway and every service share.</summary>
public static class TenantAuthenticationExtensions
{
    /// <summary>
    /// Adds the <see cref="TenantAuthenticationDefaults.Scheme"/> scheme as the default (user session
    /// tokens from Clerk or the dev issuer, and the platform API token), the <see cref="TenantPolicies"/>
    /// policies, and the <see cref="TenantIdentityOptions"/> read from the service's settings. The signed-in
    /// user's database is then <c>HttpContext.User.GetTenantDatabase()</c>. Settings are validated at start: outside the
    /// Development environment, <c>CLERK_ISSUER</c> or <c>CLERK_JWT_KEY</c> is required (the dev issuer is Development only).
    /// </summary>
    /// <param name="builder">The service's builder.</param>
    /// <returns>The builder.</returns>
    public static TBuilder AddTenantAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.TryAddSingleton(TimeProvider.System);
        // The dev issuer is allowed on a Development host only; read with the other settings, at start.
        services.AddSettings(settings => TenantIdentityOptions.Read(settings, builder.Environment.IsDevelopment()));
        services.AddHttpClient(JwksSigningKeySource.HttpClientName);
        services.TryAddSingleton(CreateKeySource);
        services.TryAddSingleton<TokenRotations>();
        services.TryAddSingleton<TenantTokenValidator>();
        services.TryAddSingleton<DatabaseTokenIssuer>();

        services.AddAuthentication(TenantAuthenticationDefaults.Scheme)
            .AddScheme<AuthenticationSchemeOptions, TenantAuthenticationHandler>(TenantAuthenticationDefaults.Scheme, configureOptions: null);

        services.AddSingleton<IAuthorizationHandler, DatabaseAccessHandler>();
        services.AddSingleton<IAuthorizationHandler, PlatformCallerRequirement>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, PlatformAuthorizationResultHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(TenantPolicies.User, policy => policy.RequireAuthenticatedUser().RequireClaim(TenantClaims.Database))
            .AddPolicy(TenantPolicies.Platform, policy => policy.RequireAuthenticatedUser().AddRequirements(new PlatformCallerRequirement()))
            .AddPolicy(TenantPolicies.DatabaseAccess, policy => policy.RequireAuthenticatedUser().AddRequirements(new OwnDatabaseRequirement()));

        return builder;
    }

    /// <summary>
    /// Keeps this service's <see cref="TokenRotations"/> in step with Redis (<c>tokens:rotations</c>, <c>tokens:rotated</c>), so a
    /// rotated database or group token is refused here at once; needs a registered Redis client.
    /// </summary>
    /// <param name="builder">The service's builder.</param>
    /// <returns>The builder.</returns>
    public static TBuilder AddTokenRotationFeed<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TokenRotations>();
        builder.Services.AddSettings(TokenRotationFeedOptions.Read);
        builder.Services.AddHostedService<TokenRotationFeed>();
        return builder;
    }

    private static ISigningKeySource CreateKeySource(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<TenantIdentityOptions>();
        return options.Mode switch
        {
            // Clerk's tokens name their instance key's kid, which a bare PEM key cannot know: the key goes without one.
            TokenIssuerMode.PublicKey when SigningKeys.TryReadPublicKey(options.PublicKeyPem!, out var key) =>
                new StaticSigningKeySource([new Microsoft.IdentityModel.Tokens.RsaSecurityKey(key.Parameters)]),
            // The public half of the dev key; reading a private PEM as public drops the private parameters.
            TokenIssuerMode.Dev when SigningKeys.TryReadPublicKey(options.DevSigningKeyPem!, out var devKey) => new StaticSigningKeySource([devKey]),
            TokenIssuerMode.Jwks => new JwksSigningKeySource(
                provider.GetRequiredService<IHttpClientFactory>(),
                new Uri(options.Issuer!.TrimEnd('/') + "/.well-known/jwks.json"),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<JwksSigningKeySource>>()),
            _ => new StaticSigningKeySource([]),
        };
    }
}

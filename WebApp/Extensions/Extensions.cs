using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Http.Resilience;
using Tenancy.Identity;
using WebApp.Identity;
using WebApp.Security;
using WebApp.Todos;

namespace WebApp.Extensions;

internal static class Extensions
{
    /// <summary>The gateway, by its resource name: the web app reaches the todo API and the dev issuer through it.</summary>
    private static readonly Uri Gateway = new("http://gateway");

    public static void AddWebAppServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings(WebAppOptions.Read);
        builder.Services.AddRazorComponents();
        builder.Services.AddHttpContextAccessor();

        // The same validation as the gateway and every service; pages answer a refused session with the sign-in page.
        builder.AddTenantAuthentication();
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, SignInRedirectHandler>(SignInRedirectHandler.SchemeName, configureOptions: null);
        builder.Services.Configure<AuthenticationOptions>(options => options.DefaultChallengeScheme = SignInRedirectHandler.SchemeName);
        builder.Services.AddCascadingAuthenticationState();

        // A write that timed out may have been done: only reads are retried. (Replacing the default handler for one client is marked experimental.)
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient<TodoApi>(client => client.BaseAddress = Gateway)
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(options => options.Retry.DisableForUnsafeHttpMethods());
#pragma warning restore EXTEXP0001
        builder.Services.AddHttpClient<DevSignIn>(client => client.BaseAddress = Gateway);
    }

    public static WebApplication UseWebAppEdge(this WebApplication app)
    {
        app.UseServerTiming();
        // The gateway says whether the browser came over https, which decides the session cookie's Secure flag.
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedProto });
        app.UseContentSecurityPolicy();
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }
}

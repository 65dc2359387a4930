using Tenancy.Identity;
using TenantService.Hrana;

// In the hosting namespace, like AddServiceDefaults, so Program.cs and Extensions.cs need no extra using.
namespace Microsoft.Extensions.Hosting;

/// <summary>Registers and maps the libSQL endpoint (Hrana over HTTP) at <c>/db/{name}/</c>.</summary>
internal static class HranaExtensions
{
    public static IHostApplicationBuilder AddHranaServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // The endpoint needs the shared bearer authentication; register it unless the service already did.
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(TenantIdentityOptions)))
        {
            builder.AddTenantAuthentication();
        }

        services.AddSingleton(HranaOptions.FromConfiguration(builder.Configuration));
        services.AddSingleton<IdleConnectionPool>();
        services.AddSingleton<StreamRegistry>();
        services.AddSingleton<StatementExecutor>();
        services.AddSingleton<PipelineRunner>();
        return builder;
    }

    public static RouteGroupBuilder MapHranaApi(this IEndpointRouteBuilder app) => HranaApi.MapEndpoints(app);
}

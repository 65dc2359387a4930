using TenantService.Hrana;

// In the hosting namespace, like AddServiceDefaults, so Program.cs and Extensions.cs need no extra using.
namespace Microsoft.Extensions.Hosting;

/// <summary>Registers and maps the libSQL endpoint (Hrana over HTTP) at <c>/db/{name}/</c>.</summary>
internal static class HranaExtensions
{
    public static IHostApplicationBuilder AddHranaServices(this IHostApplicationBuilder builder)
    {
        // The endpoint's bearer tokens are checked by the service's shared authentication (AddTenantAuthentication).
        var services = builder.Services;
        services.AddSettings(HranaOptions.Read);
        services.AddSingleton<StreamRegistry>();
        services.AddSingleton<InFlightResponses>();
        services.AddSingleton<StatementExecutor>();
        services.AddSingleton<PipelineRunner>();
        return builder;
    }

    public static RouteGroupBuilder MapHranaApi(this IEndpointRouteBuilder app) => HranaApi.MapEndpoints(app);
}

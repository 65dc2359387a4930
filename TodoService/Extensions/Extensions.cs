using System.Text.Json;
using System.Text.Json.Serialization;
using Tenancy;
using Tenancy.Identity;
using TodoService.Apis;
using TodoService.Todos;

namespace TodoService.Extensions;

internal static class Extensions
{
    // Contracts: a todo request body is at most 1 MiB.
    private const long MaxRequestBodyBytes = 1 << 20;

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddCacheClient();
        builder.AddTenantAuthentication();
        builder.AddTenantConnectionCache();

        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<RequestProblemHandler>();
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            // A misspelt field must be an error, not a silently ignored change.
            options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, TodoJsonContext.Default);
        });
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
    }
}

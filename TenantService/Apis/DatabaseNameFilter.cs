using Tenancy;
using Tenancy.Databases;

namespace TenantService.Apis;

/// <summary>Refuses a <c>{name}</c> route value that breaks the naming rule with 400, before any file is touched.</summary>
internal sealed class DatabaseNameFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var name = context.HttpContext.GetRouteValue("name") as string;
        if (!DatabaseName.TryCreate(name, out _, out var error))
        {
            return ValueTask.FromResult<object?>(TypedResults.BadRequest(new ErrorBody(error)));
        }

        return next(context);
    }
}

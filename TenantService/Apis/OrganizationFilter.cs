using Tenancy;

namespace TenantService.Apis;

/// <summary>Answers 404 for any <c>{org}</c> other than <c>PLATFORM_ORG</c>: one platform serves one organization.</summary>
internal sealed class OrganizationFilter(PlatformOptions options) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var org = context.HttpContext.GetRouteValue("org") as string;
        if (!string.Equals(org, options.Organization, StringComparison.Ordinal))
        {
            return ValueTask.FromResult<object?>(TypedResults.NotFound(new ErrorBody(
                $"organization '{Shorten(org)}' not found: this platform serves organization '{options.Organization}' (PLATFORM_ORG)")));
        }

        return next(context);
    }

    private static string Shorten(string? value) => value is { Length: > 100 } ? value[..100] + "..." : value ?? "";
}

using Tenancy;
using Tenancy.Identity;

namespace TenantService.Apis;

/// <summary>
/// Admits a platform API call only with <c>Authorization: Bearer $PLATFORM_API_TOKEN</c>, compared as
/// <see cref="TokenDigest"/>s so the comparison takes the same time whatever the length or content of a guess.
/// </summary>
internal sealed class PlatformTokenFilter(PlatformOptions options) : IEndpointFilter
{
    private readonly TokenDigest? _expected = options.ApiToken is { } token ? TokenDigest.Of(token) : null;

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_expected is not { } expected)
        {
            return ValueTask.FromResult<object?>(TypedResults.Json(
                new ErrorBody("the platform API is disabled: PLATFORM_API_TOKEN is not configured on tenantservice"),
                PlatformJsonContext.Default.ErrorBody,
                statusCode: StatusCodes.Status503ServiceUnavailable));
        }

        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var presented = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
        if (presented is null || !TokenDigest.Of(presented).FixedTimeEquals(expected))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            var message = presented is null
                ? "missing platform API token: send 'Authorization: Bearer <PLATFORM_API_TOKEN>'"
                : "invalid platform API token";
            return ValueTask.FromResult<object?>(TypedResults.Json(
                new ErrorBody(message), PlatformJsonContext.Default.ErrorBody, statusCode: StatusCodes.Status401Unauthorized));
        }

        return next(context);
    }
}

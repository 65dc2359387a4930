using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Tenancy;
using Tenancy.Identity;

namespace Gateway.RateLimiting;

/// <summary>
/// One token bucket per tenant (<c>TENANT_RATE_LIMIT</c> requests/s, burst twice that), so one tenant's
/// flood is refused with 429 + <c>Retry-After</c> while every other tenant keeps its own full bucket.
/// Anonymous libSQL version probes get the same limit per client address.
/// </summary>
internal static class TenantRateLimiting
{
    public static IHostApplicationBuilder AddTenantRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings(TenantRateLimitOptions.Read);
        // The limiter's services; its options come from the validated rate below.
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<TenantRateLimitOptions>((options, limit) =>
        {
            var rate = limit.RequestsPerSecond;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                PartitionKey(context) is { } tenant
                    ? RateLimitPartition.GetTokenBucketLimiter(tenant, _ => BucketOptions(rate))
                    : RateLimitPartition.GetNoLimiter(string.Empty));
            options.OnRejected = OnRejectedAsync;
        });

        return builder;
    }

    internal static TokenBucketRateLimiterOptions BucketOptions(int requestsPerSecond) => new()
    {
        TokenLimit = requestsPerSecond * 2,
        TokensPerPeriod = requestsPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        // Queued requests would hold connections and hide the overload; refuse at once instead.
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    // The tenant is the database the request names (authorization already checked the caller may use it: a user's own or
    // organization's, a database or group token's, any for the platform caller), else the user's own database. The only
    // anonymous requests that name a database are libSQL version probes: they share one bucket per client address.
    // Other traffic is unlimited.
    internal static string? PartitionKey(HttpContext context)
    {
        if (context.GetRouteValue(TenantPolicies.DatabaseRouteValue) is string database)
        {
            return context.User.Identity?.IsAuthenticated == true ? database : "anonymous:" + context.Connection.RemoteIpAddress;
        }

        return context.User.GetTenantDatabase();
    }

    private static ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        var response = rejected.HttpContext.Response;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return new ValueTask(ErrorBody.WriteAsync(response, StatusCodes.Status429TooManyRequests,
            $"Too many requests for this tenant; retry after {seconds} s.", cancellationToken));
    }
}

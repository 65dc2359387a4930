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

    // The tenant is the user's database, or the database a platform caller addresses. The only anonymous requests that
    // name a database are libSQL version probes: they share one bucket per client address. Other traffic is unlimited.
    private static string? PartitionKey(HttpContext context)
    {
        if (context.User.GetTenantDatabase() is { } tenant)
        {
            return tenant;
        }

        if (context.GetRouteValue(TenantPolicies.DatabaseRouteValue) is not string database)
        {
            return null;
        }

        return context.User.IsPlatformCaller() ? database : "anonymous:" + context.Connection.RemoteIpAddress;
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

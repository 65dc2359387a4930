using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.Connections;
using Tenancy.Databases;
using Tenancy.Identity;

namespace TodoService.Apis;

/// <summary>What every todo handler needs: the signed-in user's tenant and the connection cache.</summary>
public sealed record TodoServices(TenantConnectionCache Cache, ClaimsPrincipal User, HttpContext Context)
{
    /// <summary>The signed-in user's database, as the authentication handler resolved it from the token.</summary>
    public DatabaseName Database => DatabaseName.Parse(User.GetTenantDatabase()
        ?? throw new InvalidOperationException("The TenantUser policy lets no request through without a tenant database claim."));

    /// <summary>Leases the user's database and tags the request span with the tenant.</summary>
    public ValueTask<TenantAccess> AcquireAsync(TenantAccessMode mode)
    {
        var database = Database;
        Activity.Current?.SetTag("tenant.id", database.Value);
        return Cache.AcquireAsync(database, mode, Context.RequestAborted);
    }

    /// <summary>The problem answer for a refused lease: 404 for a missing database, 503 with Retry-After for a block.</summary>
    public ProblemHttpResult Refused(TenantAccess access)
    {
        if (access.Status == TenantAccessStatus.NotFound)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Database not found",
                detail: $"Your database '{Database}' does not exist; it is created when you sign up or on your first request through the gateway.");
        }

        Context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(access.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var what = access.Status switch
        {
            TenantAccessStatus.WriteBlocked => "Writes to your database are paused by a schema migration",
            TenantAccessStatus.DirectoryUnavailable => "Your database cannot be looked up right now (the platform's cache is unreachable)",
            _ => "Your database is not readable right now",
        };
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Database busy", detail: $"{what}; retry shortly.");
    }
}

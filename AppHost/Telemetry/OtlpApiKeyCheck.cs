using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace AppHost.Telemetry;

/// Refuses OTLP calls without the per-run `x-otlp-api-key`, so other local processes cannot write into the dashboard.
internal sealed class OtlpApiKeyCheck(RequestDelegate next, string apiKey)
{
    public const string HeaderName = "x-otlp-api-key";

    private readonly byte[] _expected = Encoding.UTF8.GetBytes(apiKey);

    public Task InvokeAsync(HttpContext context)
    {
        var presented = Encoding.UTF8.GetBytes(context.Request.Headers[HeaderName].ToString());
        if (CryptographicOperations.FixedTimeEquals(presented, _expected))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }
}

using System.Globalization;
using Tenancy;

namespace TenantService.Storage;

/// <summary>
/// Answers a request that a storage backend failed with <c>{"error"}</c> and a fitting status: 503 with <c>Retry-After</c>
/// for a backend that is down or slow (nothing was half-done: the callers undo what they began), 404, 409 or 502 otherwise.
/// One place for every path that reaches a backend: the API, webhooks, the gateway's on-demand creates.
/// </summary>
internal static partial class StorageBackendErrors
{
    public static WebApplication UseStorageBackendErrors(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (StorageBackendException exception) when (!context.Response.HasStarted)
            {
                LogBackendFailed(context.RequestServices.GetRequiredService<ILogger<StorageBackends>>(), exception.Backend, exception.Failure, exception.Message);
                context.Response.Clear();
                if (exception.Failure == StorageFailure.Unavailable)
                {
                    context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(exception.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                await ErrorBody.WriteAsync(context.Response, exception.StatusCode, exception.Message, context.RequestAborted);
            }
        });
        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage backend '{Backend}' failed a request ({Failure}): {Reason}")]
    private static partial void LogBackendFailed(ILogger logger, string backend, StorageFailure failure, string reason);
}

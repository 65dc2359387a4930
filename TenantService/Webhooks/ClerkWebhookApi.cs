using System.Buffers;
using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy;
using Tenancy.Databases;
using TenantService.Apis;
using TenantService.Databases;

namespace TenantService.Webhooks;

/// <summary>
/// <c>POST /webhooks/clerk</c>: Svix-verified Clerk events on the raw body. <c>user.created</c> and
/// <c>organization.created</c> ensure the tenant's database from its schema; <c>user.deleted</c> and
/// <c>organization.deleted</c> back it up and delete it. Every other type is answered 200 and ignored, so
/// svix never retries or disables the endpoint for events we do not handle. A redelivered id does nothing.
/// </summary>
internal static partial class ClerkWebhookApi
{
    public static IEndpointRouteBuilder MapClerkWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/clerk", ReceiveAsync)
            .WithName("ReceiveClerkWebhook")
            .WithTags("Webhooks")
            .AllowAnonymous();
        return app;
    }

    public static async Task<Results<Ok<WebhookAnswer>, BadRequest<ErrorBody>, JsonHttpResult<ErrorBody>>> ReceiveAsync(
        HttpRequest request, [AsParameters] ClerkWebhookServices services, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, $"webhook body is larger than the limit of {ClerkWebhookOptions.MaxBodyBytes} bytes (1 MiB)");
        }

        var verification = services.Verifier.Verify(request.Headers, body.WrittenSpan, out var messageId);
        if (verification == SvixVerification.SecretNotConfigured)
        {
            // 503 makes svix retry later, once the secret is configured, instead of losing the event.
            return Error(StatusCodes.Status503ServiceUnavailable, "webhooks are disabled: CLERK_WEBHOOK_SECRET is not configured on tenantservice");
        }

        if (verification != SvixVerification.Valid)
        {
            LogRejected(services.Logger, verification, messageId);
            return TypedResults.BadRequest(new ErrorBody(Describe(verification)));
        }

        if (!ClerkEvent.TryParse(body.WrittenSpan, out var clerkEvent))
        {
            return TypedResults.BadRequest(new ErrorBody("webhook body is not a Clerk event: a JSON object with a string 'type'"));
        }

        if (!IsHandled(clerkEvent!.Type))
        {
            LogIgnored(services.Logger, clerkEvent.Type, messageId!);
            return TypedResults.Ok(new WebhookAnswer("ignored"));
        }

        if (!services.Deliveries.TryClaim(messageId!))
        {
            LogDuplicate(services.Logger, clerkEvent.Type, messageId!);
            return TypedResults.Ok(new WebhookAnswer("duplicate"));
        }

        var handled = false;
        try
        {
            var (answer, succeeded) = await ApplyAsync(clerkEvent, messageId!, services, cancellationToken);
            handled = succeeded;
            return answer;
        }
        finally
        {
            if (!handled)
            {
                // Forget the id so svix's retry of this delivery is acted on.
                services.Deliveries.Release(messageId!);
            }
        }
    }

    private static bool IsHandled(string type) => type is "user.created" or "user.deleted" or "organization.created" or "organization.deleted";

    private static async Task<(Results<Ok<WebhookAnswer>, BadRequest<ErrorBody>, JsonHttpResult<ErrorBody>> Answer, bool Succeeded)> ApplyAsync(
        ClerkEvent clerkEvent, string messageId, ClerkWebhookServices services, CancellationToken cancellationToken)
    {
        if (clerkEvent.SubjectId is null)
        {
            // Retrying cannot add the id, so the delivery is answered 200 and only logged.
            LogMissingId(services.Logger, clerkEvent.Type, messageId);
            return (TypedResults.Ok(new WebhookAnswer("ignored")), true);
        }

        var database = TenantId.FromClerkId(clerkEvent.SubjectId);
        switch (clerkEvent.Type)
        {
            case "user.created" or "organization.created":
                var schema = clerkEvent.Type == "user.created" ? services.Schemas.UserSchema : services.Schemas.OrganizationSchema;
                var created = await services.Provisioner.CreateAsync(new DatabaseSpec(database, Schema: schema), cancellationToken);
                switch (created.Outcome)
                {
                    case ProvisionOutcome.Created or ProvisionOutcome.AlreadyExists:
                        LogEnsured(services.Logger, clerkEvent.Type, clerkEvent.SubjectId, database.Value, created.Outcome);
                        return (TypedResults.Ok(new WebhookAnswer(created.Outcome == ProvisionOutcome.Created ? "created" : "exists")), true);
                    case ProvisionOutcome.FileWithoutRecord:
                        LogFileWithoutRecord(services.Logger, database.Value);
                        return (Error(StatusCodes.Status500InternalServerError, $"database '{database}' has a file but no record in platform.db; restore platform.db or move the file away, and svix's retry will create it"), false);
                    default:
                        LogSchemaMissing(services.Logger, database.Value, schema.Value);
                        return (Error(StatusCodes.Status500InternalServerError, $"schema database '{schema}' does not exist; create it, and svix's retry will create '{database}'"), false);
                }

            default:
                var removed = await services.Provisioner.DeleteAsync(database, cancellationToken);
                LogRemoved(services.Logger, clerkEvent.Type, clerkEvent.SubjectId, database.Value, removed.Outcome);
                if (removed.Outcome == RemovalOutcome.Busy)
                {
                    return (Error(StatusCodes.Status503ServiceUnavailable, $"database '{database}' could not be closed in every service; nothing was deleted, and svix's retry will delete it"), false);
                }

                return (TypedResults.Ok(new WebhookAnswer(removed.Outcome switch
                {
                    RemovalOutcome.Deleted => "deleted",
                    RemovalOutcome.NotFound => "absent",
                    _ => "refused",
                })), true);
        }
    }

    // The raw bytes are what svix signed: they are verified as received, never re-serialized.
    private static async Task<ArrayBufferWriter<byte>?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > ClerkWebhookOptions.MaxBodyBytes)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(8192), cancellationToken);
            if (read == 0)
            {
                return buffer;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > ClerkWebhookOptions.MaxBodyBytes)
            {
                return null;
            }
        }
    }

    private static string Describe(SvixVerification verification) => verification switch
    {
        SvixVerification.MissingHeaders => "missing svix-id, svix-timestamp or svix-signature header (or their webhook-* equivalents)",
        SvixVerification.InvalidTimestamp => "svix-timestamp is not a number of seconds since 1970",
        SvixVerification.TimestampTooOld => "svix-timestamp is more than 5 minutes in the past",
        SvixVerification.TimestampTooNew => "svix-timestamp is more than 5 minutes in the future",
        _ => "no svix-signature matches the body",
    };

    private static JsonHttpResult<ErrorBody> Error(int status, string message) =>
        TypedResults.Json(new ErrorBody(message), PlatformJsonContext.Default.ErrorBody, statusCode: status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused webhook delivery {MessageId}: {Verification}")]
    private static partial void LogRejected(ILogger logger, SvixVerification verification, string? messageId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored Clerk event {Type} ({MessageId})")]
    private static partial void LogIgnored(ILogger logger, string type, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Clerk event {Type} ({MessageId}) was delivered before; nothing to do")]
    private static partial void LogDuplicate(ILogger logger, string type, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Clerk event {Type} ({MessageId}) has no data.id; nothing to do")]
    private static partial void LogMissingId(ILogger logger, string type, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Clerk event {Type} for {ClerkId}: database {Database} {Outcome}")]
    private static partial void LogEnsured(ILogger logger, string type, string clerkId, string database, ProvisionOutcome outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Clerk event {Type} for {ClerkId}: database {Database} {Outcome}")]
    private static partial void LogRemoved(ILogger logger, string type, string clerkId, string database, RemovalOutcome outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot create database {Database}: a file without a platform.db record is in the way")]
    private static partial void LogFileWithoutRecord(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot create database {Database}: schema database {Schema} does not exist")]
    private static partial void LogSchemaMissing(ILogger logger, string database, string schema);
}

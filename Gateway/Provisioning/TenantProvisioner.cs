using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Tenancy.Databases;
using Tenancy.Identity;
using Tenancy.Metadata;

namespace Gateway.Provisioning;

/// <summary>
/// Makes sure a signed-in user's database exists before the request is forwarded: known tenants pass
/// at once; an unknown one is created from <c>USER_SCHEMA</c> through tenantservice's platform API,
/// once per tenant however many first requests arrive together (single flight). A 409 counts as "it exists"
/// only once tenantservice's own record (<c>GET .../databases/{name}</c>, platform.db) confirms it: a webhook or another
/// gateway won the race, which is just as good. tenantservice answers 409 for names it cannot use too (a file without
/// its record, a name taken on a storage backend by someone else); such a tenant is not remembered, the refusal is
/// logged, and the request gets 503, so a later one tries again.
/// </summary>
internal sealed partial class TenantProvisioner(
    IHttpClientFactory httpClientFactory,
    ProvisioningOptions options,
    TenantSchemaOptions schemas,
    TenantIdentityOptions identity,
    TenantDirectory directory,
    ITenantExistenceLookup lookup,
    ILogger<TenantProvisioner> logger)
{
    public const string HttpClientName = "tenantservice";

    private readonly ConcurrentDictionary<string, Lazy<Task<ProvisioningOutcome>>> inFlight = new(StringComparer.Ordinal);

    private string DatabasesPath => $"/v1/organizations/{Uri.EscapeDataString(options.Organization)}/databases";

    /// <summary>Makes sure <paramref name="database"/> exists: a user's from <c>USER_SCHEMA</c>, an organization's from <c>ORG_SCHEMA</c>.</summary>
    public ValueTask<ProvisioningOutcome> EnsureAsync(string database, bool organization, CancellationToken cancellationToken) =>
        directory.IsKnown(database)
            ? ValueTask.FromResult(ProvisioningOutcome.Exists)
            : new ValueTask<ProvisioningOutcome>(JoinFlightAsync(database, organization ? schemas.OrganizationSchema.Value : schemas.UserSchema.Value, cancellationToken));

    private Task<ProvisioningOutcome> JoinFlightAsync(string database, string schema, CancellationToken cancellationToken)
    {
        var flight = inFlight.GetOrAdd(database, static (name, state) => new Lazy<Task<ProvisioningOutcome>>(() => state.self.FlyAsync(name, state.schema)), (self: this, schema));
        // The flight belongs to no single request: one caller giving up must not cancel it for the others.
        return flight.Value.WaitAsync(cancellationToken);
    }

    private async Task<ProvisioningOutcome> FlyAsync(string database, string schema)
    {
        try
        {
            using var timeout = new CancellationTokenSource(options.CreationTimeout);
            var outcome = await lookup.ExistsAsync(database, timeout.Token)
                ? ProvisioningOutcome.Exists
                : await CreateAsync(database, schema, timeout.Token);
            if (outcome != ProvisioningOutcome.Failed)
            {
                directory.Remember(database);
            }

            return outcome;
        }
        catch (TenantDirectoryUnavailableException exception)
        {
            LogDirectoryUnavailable(logger, database, exception);
            return ProvisioningOutcome.DirectoryUnavailable;
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or Polly.ExecutionRejectedException)
        {
            LogCreationFailed(logger, database, exception);
            return ProvisioningOutcome.Failed;
        }
        finally
        {
            inFlight.TryRemove(database, out _);
        }
    }

    private async Task<ProvisioningOutcome> CreateAsync(string database, string schema, CancellationToken cancellationToken)
    {
        if (identity.PlatformApiToken is not { } token)
        {
            LogNoPlatformToken(logger, database);
            return ProvisioningOutcome.Failed;
        }

        var client = httpClientFactory.CreateClient(HttpClientName);
        using var request = PlatformRequest(HttpMethod.Post, DatabasesPath, token);
        request.Content = JsonContent.Create(new { name = database, schema });

        // Headers first: a refusal's body is read only as far as RefusalReason allows, never buffered whole.
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            LogCreated(logger, database, schema);
            return ProvisioningOutcome.Created;
        }

        var reason = await RefusalReason.ReadAsync(response, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return await ConfirmExistsAsync(client, database, token, reason, cancellationToken);
        }

        LogRefused(logger, database, (int)response.StatusCode, reason);
        return ProvisioningOutcome.Failed;
    }

    // 409 is "exists" only if platform.db has the record: the name lock there makes a racing create's 409 come after its record.
    private async Task<ProvisioningOutcome> ConfirmExistsAsync(HttpClient client, string database, string token, string reason, CancellationToken cancellationToken)
    {
        try
        {
            using var request = PlatformRequest(HttpMethod.Get, $"{DatabasesPath}/{Uri.EscapeDataString(database)}", token);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    return ProvisioningOutcome.Exists;
                case HttpStatusCode.NotFound:
                    LogConflictWithoutDatabase(logger, database, reason);
                    return ProvisioningOutcome.Failed;
                default:
                    LogConflictUnconfirmed(logger, database, reason, $"{(int)response.StatusCode} {await RefusalReason.ReadAsync(response, cancellationToken)}", null);
                    return ProvisioningOutcome.Failed;
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or Polly.ExecutionRejectedException)
        {
            LogConflictUnconfirmed(logger, database, reason, exception.Message, exception);
            return ProvisioningOutcome.Failed;
        }
    }

    private static HttpRequestMessage PlatformRequest(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created tenant database {Database} from schema {Schema} on first request")]
    private static partial void LogCreated(ILogger logger, string database, string schema);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tenant database {Database} cannot be created on demand: PLATFORM_API_TOKEN is not set")]
    private static partial void LogNoPlatformToken(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "tenantservice refused to create tenant database {Database}: {Status} {Body}")]
    private static partial void LogRefused(ILogger logger, string database, int status, string body);

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "tenantservice answered 409 to creating tenant database {Database} but has no such database: {Reason}; not remembered, its request gets 503")]
    private static partial void LogConflictWithoutDatabase(ILogger logger, string database, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "tenantservice answered 409 to creating tenant database {Database} ({Reason}), and whether it has the database could not be confirmed: {Failure}; not remembered, its request gets 503")]
    private static partial void LogConflictUnconfirmed(ILogger logger, string database, string reason, string failure, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant database {Database} is unknown to this gateway and cannot be looked up: Redis is unreachable; its request gets 503")]
    private static partial void LogDirectoryUnavailable(ILogger logger, string database, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Creating tenant database {Database} on demand failed")]
    private static partial void LogCreationFailed(ILogger logger, string database, Exception exception);
}

using StackExchange.Redis;
using Tenancy.Databases;
using Tenancy.Metadata;

namespace Gateway.Provisioning;

/// <summary>
/// Asks the tenant metadata in Redis; a missing record sends the tenant to creation, where 409 settles it. Without an
/// answer from Redis within <see cref="ProvisioningOptions.LookupTimeout"/> (down, or hung) it throws
/// <see cref="TenantDirectoryUnavailableException"/>: the request gets 503, and nothing is created blind.
/// </summary>
internal sealed class MetadataExistenceLookup(
    TenantMetadataStore store, IConnectionMultiplexer redis, ProvisioningOptions options, TimeProvider time) : ITenantExistenceLookup
{
    public async ValueTask<bool> ExistsAsync(string database, CancellationToken cancellationToken)
    {
        if (!DatabaseName.TryCreate(database, out var name, out _))
        {
            return false;
        }

        // Disconnected: the client would queue the command for its whole timeout; answer at once instead.
        if (!redis.IsConnected)
        {
            throw new TenantDirectoryUnavailableException($"Redis is not connected; the metadata of database '{database}' cannot be read.");
        }

        try
        {
            return await store.FindAsync(name).WaitAsync(options.LookupTimeout, time, cancellationToken) is not null;
        }
        catch (TimeoutException exception)
        {
            throw new TenantDirectoryUnavailableException(
                $"Redis did not answer within TENANT_LOOKUP_TIMEOUT_MS ({options.LookupTimeout.TotalMilliseconds:0} ms); the metadata of database '{database}' cannot be read.", exception);
        }
    }
}

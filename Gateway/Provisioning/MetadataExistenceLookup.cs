using StackExchange.Redis;
using Tenancy.Databases;
using Tenancy.Metadata;

namespace Gateway.Provisioning;

/// <summary>Asks the tenant metadata in Redis; a missing record sends the tenant to creation, where 409 settles it.</summary>
internal sealed partial class MetadataExistenceLookup(TenantMetadataStore store, ILogger<MetadataExistenceLookup> logger) : ITenantExistenceLookup
{
    public async ValueTask<bool> ExistsAsync(string database, CancellationToken cancellationToken)
    {
        if (!DatabaseName.TryCreate(database, out var name, out _))
        {
            return false;
        }

        try
        {
            return await store.GetAsync(name).WaitAsync(cancellationToken) is not null;
        }
        catch (RedisException exception)
        {
            // Redis is a cache: without it, creation's 409 still tells whether the database exists.
            LogLookupFailed(logger, database, exception);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read tenant metadata for {Database}; asking tenantservice instead")]
    private static partial void LogLookupFailed(ILogger logger, string database, Exception exception);
}

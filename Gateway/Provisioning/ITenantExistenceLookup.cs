namespace Gateway.Provisioning;

/// <summary>Answers, on a cache miss, whether a tenant database already exists.</summary>
internal interface ITenantExistenceLookup
{
    ValueTask<bool> ExistsAsync(string database, CancellationToken cancellationToken);
}

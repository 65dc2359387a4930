namespace Gateway.Provisioning;

/// <summary>What ensuring a tenant database came to.</summary>
internal enum ProvisioningOutcome
{
    /// <summary>The database was already there (known, found in metadata, or 409 from tenantservice with its record confirming it).</summary>
    Exists,

    /// <summary>This gateway created it just now.</summary>
    Created,

    /// <summary>It could not be created, or tenantservice's 409 was not about an existing database; the request gets 503 and may be retried.</summary>
    Failed,

    /// <summary>Whether it exists could not be looked up (Redis unreachable or hung); the request gets 503 and may be retried.</summary>
    DirectoryUnavailable,
}

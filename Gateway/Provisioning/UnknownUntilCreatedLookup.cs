namespace Gateway.Provisioning;

/// <summary>Without tenant metadata every miss goes to creation, whose 409, once tenantservice's record confirms it, answers "it exists".</summary>
internal sealed class UnknownUntilCreatedLookup : ITenantExistenceLookup
{
    public ValueTask<bool> ExistsAsync(string database, CancellationToken cancellationToken) => ValueTask.FromResult(false);
}

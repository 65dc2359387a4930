using Testing;

namespace TenantService.Tests;

/// <summary>One real Redis for every TenantService test; the tests run one after another because some flush it.</summary>
[CollectionDefinition(Name)]
public sealed class TenantServiceCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "TenantService";
}

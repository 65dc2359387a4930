using Testing;

namespace Migrations.Tests;

/// <summary>One real Redis for every migrations test; the tests run one after another (jobs are timed by real clocks).</summary>
[CollectionDefinition(Name)]
public sealed class MigrationsCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "Migrations";
}

namespace Dashboard.Tests;

/// One system boot shared by the end-to-end and browser tests, which run one after another.
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardPlatformFixture>
{
    public const string Name = "Dashboard";
}

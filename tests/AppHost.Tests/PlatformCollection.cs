namespace AppHost.Tests;

/// Whole-system boots share the machine: the classes of this collection run one after another.
[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "Platform";
}

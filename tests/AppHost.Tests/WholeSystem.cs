namespace AppHost.Tests;

/// Whole-system boots take most of this machine's two cores: the classes of this collection run one after another,
/// so no boot slows another past the limits the tests check.
[CollectionDefinition(Name)]
public sealed class WholeSystem
{
    public const string Name = "Whole system";
}

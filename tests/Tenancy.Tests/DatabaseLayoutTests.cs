using Tenancy.Databases;

namespace Tenancy.Tests;

public sealed class DatabaseLayoutTests
{
    private readonly DatabaseLayout _layout = new("/data");

    [Fact]
    public void DatabasesAreShardedByTheirFirstTwoCharacters() =>
        Assert.Equal("/data/databases/0c/0cc175b9c0f1b6a831c399e269772661.db", _layout.DatabasePath(DatabaseName.Parse("0cc175b9c0f1b6a831c399e269772661")));

    [Fact]
    public void AOneCharacterNameUsesItselfAsTheShard() =>
        Assert.Equal("/data/databases/a/a.db", _layout.DatabasePath(DatabaseName.Parse("a")));

    [Fact]
    public void BackupsAreNamedByTheirUtcTimestamp()
    {
        var takenAt = new DateTimeOffset(2026, 11, 23, 10, 30, 0, 123, TimeSpan.FromHours(1));
        Assert.Equal("/data/backups/todos/20261123T093000123Z.db", _layout.BackupPath(DatabaseName.Parse("todos"), takenAt));
    }

    [Fact]
    public void PlatformFilesSitAtTheRoot()
    {
        Assert.Equal("/data/platform.db", _layout.PlatformDatabasePath);
        Assert.Equal("/data/secrets.json", _layout.SecretsPath);
        Assert.Equal("/data/backups/x", _layout.BackupsDirectory(DatabaseName.Parse("x")));
    }

    [Fact]
    public void TheDefaultNameHasNoPath() =>
        Assert.Throws<ArgumentException>(() => _layout.DatabasePath(default));
}

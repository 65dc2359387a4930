using Tenancy.Databases;

namespace Tenancy.Tests;

public sealed class DatabaseNameTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("todos-schema")]
    [InlineData("0cc175b9c0f1b6a831c399e269772661")]
    [InlineData("a-b-c-1-2-3")]
    public void ValidNamesAreAccepted(string value)
    {
        Assert.True(DatabaseName.TryCreate(value, out var name, out var error));
        Assert.Equal(value, name.ToString());
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public void SixtyFourCharactersAreAccepted() =>
        Assert.Equal(64, DatabaseName.Parse(new string('a', 64)).Value.Length);

    [Theory]
    [InlineData("../x")]
    [InlineData("A")]
    [InlineData("")]
    [InlineData("-abc")]
    [InlineData("abc-")]
    [InlineData("a_b")]
    [InlineData("a.db")]
    [InlineData("a b")]
    [InlineData("é")]
    public void InvalidNamesAreRefusedWithAMessageThatNamesTheValueAndTheRule(string value)
    {
        Assert.False(DatabaseName.TryCreate(value, out var name, out var error));
        Assert.Equal(default, name);
        Assert.Contains($"'{value}'", error, StringComparison.Ordinal);
        Assert.Contains(DatabaseName.Rule, error, StringComparison.Ordinal);
    }

    [Fact]
    public void SixtyFiveCharactersAreRefused() =>
        Assert.False(DatabaseName.TryCreate(new string('a', 65), out _, out _));

    [Fact]
    public void NullIsRefusedWithTheRule()
    {
        Assert.False(DatabaseName.TryCreate(null, out _, out var error));
        Assert.Contains(DatabaseName.Rule, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseThrowsTheSameMessage()
    {
        var exception = Assert.Throws<ArgumentException>(() => DatabaseName.Parse("Bad"));
        Assert.Contains("'Bad' is not a valid database name", exception.Message, StringComparison.Ordinal);
        Assert.Contains(DatabaseName.Rule, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NamesWithTheSameTextAreEqual() =>
        Assert.Equal(DatabaseName.Parse("abc"), DatabaseName.Parse("abc"));
}

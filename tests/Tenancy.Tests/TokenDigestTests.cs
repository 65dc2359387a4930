using Tenancy.Identity;

namespace Tenancy.Tests;

public sealed class TokenDigestTests
{
    [Theory]
    [InlineData("header.payload.signature")]
    [InlineData("platform-token-ü")]
    public void TheSameTokenHasTheSameDigestWhereverItsCharactersLive(string token)
    {
        var digest = TokenDigest.Of(token);

        Assert.True(digest.FixedTimeEquals(TokenDigest.Of(new string(token))));
        Assert.Equal(digest, TokenDigest.Of(("Bearer " + token).AsSpan(7)));
        Assert.False(digest.FixedTimeEquals(TokenDigest.Of(token + "x")));
    }

    [Fact]
    public void TokensLongerThanTheStackBufferDigestTheSame()
    {
        // Past 4 KiB of UTF-8 the bytes go to a pooled array instead of the stack; the digest must not change with it.
        var long1 = new string('a', 5000) + "1";
        var long2 = new string('a', 5000) + "2";

        Assert.Equal(TokenDigest.Of(long1), TokenDigest.Of(new string(long1)));
        Assert.NotEqual(TokenDigest.Of(long1), TokenDigest.Of(long2));
    }

    [Fact]
    public void TokensThatDifferAnywhereHaveDifferentDigests()
    {
        var token = TokenDigest.Of("header.payload.signature");

        Assert.NotEqual(token, TokenDigest.Of("header.payload.signaturf"));
        Assert.NotEqual(token, TokenDigest.Of("header.payloae.signature"));
        Assert.NotEqual(token, TokenDigest.Of("Header.payload.signature"));
        Assert.False(token.FixedTimeEquals(TokenDigest.Of("header.payload.signature ")));
    }
}

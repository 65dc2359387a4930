using Tenancy.Identity;

namespace Tenancy.Tests;

public sealed class ValidatedTokensTests
{
    private const int Capacity = 100;

    [Fact]
    public void MemoryStaysWithinItsBoundWhateverTheNumberOfTokens()
    {
        var tokens = new ValidatedTokens(Capacity);
        for (var i = 0; i < 10 * Capacity; i++)
        {
            tokens.Add(TokenDigest.Of($"token-{i}"), Token($"user_{i}"));
        }

        Assert.InRange(tokens.Count, Capacity / 2, Capacity);
    }

    [Fact]
    public void ATokenInUseSurvivesAFloodOfNewOnes()
    {
        var tokens = new ValidatedTokens(Capacity);
        var hot = TokenDigest.Of("hot-token");
        tokens.Add(hot, Token("user_hot"));
        for (var i = 0; i < 10 * Capacity; i++)
        {
            tokens.Add(TokenDigest.Of($"token-{i}"), Token($"user_{i}"));
            if (i % (Capacity / 4) == 0)
            {
                Assert.True(tokens.TryGet(hot, out _), $"the hot token was forgotten after {i} new tokens");
            }
        }

        Assert.True(tokens.TryGet(hot, out var found));
        Assert.Equal("user_hot", found.ToIdentity().Name);
    }

    [Fact]
    public void AnUnusedTokenIsForgottenOnceTwoGenerationsPass()
    {
        var tokens = new ValidatedTokens(Capacity);
        var cold = TokenDigest.Of("cold-token");
        tokens.Add(cold, Token("user_cold"));
        for (var i = 0; i < Capacity; i++)
        {
            tokens.Add(TokenDigest.Of($"token-{i}"), Token($"user_{i}"));
        }

        Assert.False(tokens.TryGet(cold, out _));
    }

    [Fact]
    public void TheRebuiltIdentityCarriesTheRememberedClaims()
    {
        var identity = Token("user_a").ToIdentity();

        Assert.True(identity.IsAuthenticated);
        Assert.Equal(TenantAuthenticationDefaults.Scheme, identity.AuthenticationType);
        Assert.Equal("user_a", identity.Name);
        Assert.Equal("0123456789abcdef0123456789abcdef", identity.FindFirst(TenantClaims.Database)?.Value);
    }

    private static ValidatedToken Token(string userId) => new(DateTime.UtcNow, DateTime.UtcNow.AddHours(1),
        [(TenantClaims.UserId, userId), (TenantClaims.Database, "0123456789abcdef0123456789abcdef")]);
}

using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using WebApp.Extensions;
using WebApp.Identity;
using WebApp.Security;

namespace WebApp.Tests;

/// <summary>CLERK_PUBLISHABLE_KEY: where Clerk's SDK comes from, and what the page's policy lets run.</summary>
public sealed class ClerkSettingsTests
{
    [Theory]
    [InlineData("pk_test_", "clerk.example.com")]
    [InlineData("pk_live_", "clerk.my-app.io")]
    [InlineData("pk_test_", "happy-hippo-12.clerk.accounts.dev")]
    public void APublishableKeyNamesItsFrontendApi(string prefix, string host)
    {
        var key = ClerkPublishableKey.TryParse(prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(host + "$")).TrimEnd('='));

        Assert.NotNull(key);
        Assert.Equal("https://" + host, key.FrontendApiOrigin);
    }

    [Theory]
    [InlineData("sk_test_Y2xlcmsuZXhhbXBsZS5jb20k")]
    [InlineData("pk_test_not base64")]
    [InlineData("pk_test_Y2xlcmsuZXhhbXBsZS5jb20")]
    public void AnythingElseIsNotAPublishableKey(string text) => Assert.Null(ClerkPublishableKey.TryParse(text));

    [Fact]
    public void AKeyWhoseHostWouldBreakOutOfTheScriptUrlIsRefused()
    {
        var hostile = "pk_test_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("evil.com/x' 'unsafe-inline$"));

        Assert.Null(ClerkPublishableKey.TryParse(hostile));
    }

    [Fact]
    public void ABadKeyStopsTheAppAtStartWithTheSettingsName()
    {
        var settings = new SettingsReader(new ConfigurationBuilder().AddInMemoryCollection([new("CLERK_PUBLISHABLE_KEY", "sk_live_oops")]).Build());

        WebAppOptions.Read(settings);

        Assert.Contains(settings.Problems, problem => problem.Contains("CLERK_PUBLISHABLE_KEY", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutClerkOnlyTheAppsOwnScriptsMayRun()
    {
        var policy = ContentSecurityPolicy.For(new WebAppOptions());

        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.Contains("form-action 'self'", policy, StringComparison.Ordinal);
    }

    [Fact]
    public void WithClerkItsFrontendApiMayServeScriptsButNoInlineScriptRuns()
    {
        var clerk = ClerkPublishableKey.TryParse("pk_test_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("clerk.example.com$")))!;

        var policy = ContentSecurityPolicy.For(new WebAppOptions { Clerk = clerk });

        var scripts = policy.Split(';').Select(part => part.Trim()).Single(part => part.StartsWith("script-src", StringComparison.Ordinal));
        Assert.Contains("https://clerk.example.com", scripts, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", scripts, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self' https://clerk.example.com", policy, StringComparison.Ordinal);
    }

    [Fact]
    public void TheMostTodosShownDefaultsTo500AndIsBounded()
    {
        Assert.Equal(500, WebAppOptions.Read(new SettingsReader(new ConfigurationBuilder().Build())).MaxShownTodos);

        var settings = new SettingsReader(new ConfigurationBuilder().AddInMemoryCollection([new("WEBAPP_MAX_SHOWN_TODOS", "5")]).Build());
        WebAppOptions.Read(settings);
        Assert.Contains(settings.Problems, problem => problem.Contains("WEBAPP_MAX_SHOWN_TODOS", StringComparison.Ordinal));
    }
}

using System.Text;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using WebApp.Components.Layout;
using WebApp.Components.Pages;
using WebApp.Extensions;
using WebApp.Identity;

namespace WebApp.Tests;

/// <summary>
/// Clerk mode as far as a test can go without a Clerk account: the markup that loads Clerk's SDK from the Frontend API
/// the publishable key names, and a sign-in page without the dev form. Signing in through Clerk itself is not tested.
/// </summary>
public sealed class ClerkSignInMarkupTests : BunitContext
{
    private static readonly ClerkPublishableKey Key =
        ClerkPublishableKey.TryParse("pk_test_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("clerk.example.com$")))!;

    public ClerkSignInMarkupTests()
    {
        Services.AddSingleton(new WebAppOptions { Clerk = Key });
        Services.AddSingleton(new DevSignIn(new HttpClient(), NullLogger<DevSignIn>.Instance));
        Services.AddSingleton<AntiforgeryStateProvider, NoAntiforgery>();
    }

    [Fact]
    public void TheSdkComesFromTheKeysFrontendApiWithTheKey()
    {
        var script = Render<ClerkScript>(parameters => parameters.Add(p => p.Clerk, Key)).Find("script");

        Assert.Equal("https://clerk.example.com/npm/@clerk/clerk-js@5/dist/clerk.browser.js", script.GetAttribute("src"));
        Assert.Equal(Key.Key, script.GetAttribute("data-clerk-publishable-key"));
    }

    [Fact]
    public void TheSignInPageMountsClerkInsteadOfTheDevForm()
    {
        var page = Render<SignIn>();

        Assert.NotNull(page.Find("#clerk-sign-in"));
        Assert.Empty(page.FindAll("#user-id"));
        Assert.Empty(page.FindAll("form"));
    }

    private sealed class NoAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => null;
    }
}

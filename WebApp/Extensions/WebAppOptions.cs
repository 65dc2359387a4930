using WebApp.Identity;

namespace WebApp.Extensions;

/// <summary>The web app's settings: <c>CLERK_PUBLISHABLE_KEY</c> and <c>WEBAPP_MAX_SHOWN_TODOS</c>.</summary>
public sealed record WebAppOptions
{
    /// <summary>How many todos "Load more" may show on one page at most.</summary>
    public const int DefaultMaxShownTodos = 500;

    /// <summary>Todos per "Load more" step.</summary>
    public const int PageSize = 20;

    /// <summary>Clerk's publishable key; null means the dev sign-in form.</summary>
    public ClerkPublishableKey? Clerk { get; init; }

    /// <summary>The most todos one page shows, however often "Load more" was pressed (each 100 cost one API call).</summary>
    public int MaxShownTodos { get; init; } = DefaultMaxShownTodos;

    internal static WebAppOptions Read(SettingsReader settings)
    {
        ClerkPublishableKey? clerk = null;
        if (settings.Text("CLERK_PUBLISHABLE_KEY") is { } key)
        {
            clerk = ClerkPublishableKey.TryParse(key);
            if (clerk is null)
            {
                settings.AddProblem("CLERK_PUBLISHABLE_KEY is not a Clerk publishable key (pk_test_... or pk_live_... with the base64 of your Frontend API host); copy it from the Clerk dashboard's API keys page.");
            }
        }

        return new WebAppOptions
        {
            Clerk = clerk,
            MaxShownTodos = settings.Number("WEBAPP_MAX_SHOWN_TODOS", DefaultMaxShownTodos, minimum: PageSize, maximum: 10_000),
        };
    }
}

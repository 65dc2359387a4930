using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.TestSupport;

/// <summary>
/// The real gateway in memory, with its settings given as the AppHost would give them, the date of <paramref name="clock"/> if
/// given, and the host environment the AppHost gives for local runs unless told otherwise; its log goes to <paramref name="logs"/>
/// if given, nowhere otherwise.
/// </summary>
internal sealed class GatewayFactory(
    IReadOnlyDictionary<string, string?> settings, FakeTimeProvider? clock = null, string environment = "Development", LogCollector? logs = null)
    : WebApplicationFactory<Program>
{
    public const string PlatformToken = "platform-token-for-tests";

    /// <summary>Settings for a gateway in front of the given backends; the test adds the token source.</summary>
    public static Dictionary<string, string?> Settings(FakeBackend todoService, FakeBackend tenantService, params FakeBackend[] moreTodoReplicas)
    {
        var settings = new Dictionary<string, string?>
        {
            ["services:todoservice:http:0"] = todoService.Address.ToString().TrimEnd('/'),
            ["services:tenantservice:http:0"] = tenantService.Address.ToString().TrimEnd('/'),
            ["PLATFORM_API_TOKEN"] = PlatformToken,
            ["PLATFORM_ORG"] = "local",
            ["USER_SCHEMA"] = "todos-schema",
        };
        for (var i = 0; i < moreTodoReplicas.Length; i++)
        {
            settings[$"services:todoservice:http:{i + 1}"] = moreTodoReplicas[i].Address.ToString().TrimEnd('/');
        }

        return settings;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            if (logs is not null)
            {
                logging.AddProvider(logs);
            }
        });
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock is null ? TimeProvider.System : new FakeWallClock(clock)));
    }
}

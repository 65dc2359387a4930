using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Testing;

namespace Benchmarks;

/// <summary>
/// The whole system through the AppHost, as the end-to-end tests boot it, with the per-tenant limit raised so that
/// the limiter is not what is measured. Telemetry on: Aspire's dashboard runs and every service exports to it.
/// Off: no dashboard, and no service is given <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, without which the service
/// defaults export nothing. <paramref name="todoserviceSettings"/> are environment variables added to every todoservice
/// replica, for settings the AppHost does not hand on (a storage backend).
/// </summary>
internal sealed class BenchmarkPlatform(bool telemetry, IReadOnlyDictionary<string, string>? todoserviceSettings = null) : PlatformFixture
{
    private const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    protected override IEnumerable<string> Arguments => ["--TENANT_RATE_LIMIT=1000000"];

    protected override bool Dashboard => telemetry;

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        // The console is for the figures: the testing builder forwards every line the services log (as AppHost.Resources.*),
        // and its health probes fail until each service listens (a service that never does fails the start).
        builder.Services.AddLogging(logging => logging
            .AddFilter("AppHost.Resources", LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        // Every replica: "todoservice" alone, "todoservice-0", "todoservice-1", ... with TODOSERVICE_REPLICAS.
        foreach (var replica in builder.Resources.OfType<IResourceWithEnvironment>()
            .Where(resource => todoserviceSettings is not null && (resource.Name == "todoservice" || resource.Name.StartsWith("todoservice-", StringComparison.Ordinal))))
        {
            replica.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
            {
                foreach (var (name, value) in todoserviceSettings!)
                {
                    context.EnvironmentVariables[name] = value;
                }
            }));
        }

        if (telemetry)
        {
            return;
        }

        // Runs after Aspire's own environment callbacks (WithOtlpExporter), which were added with the resource.
        foreach (var resource in builder.Resources.OfType<IResourceWithEnvironment>())
        {
            resource.Annotations.Add(new EnvironmentCallbackAnnotation(context => context.EnvironmentVariables.Remove(OtlpEndpointVariable)));
        }
    }

    /// <summary>A dev-issuer session token for <paramref name="userId"/>.</summary>
    public async Task<string> SignInAsync(string userId)
    {
        using var issued = await Gateway.PostAsJsonAsync("/dev/token", new { sub = userId });
        issued.EnsureSuccessStatusCode();
        return (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    /// <summary>The operating system's process id of <paramref name="resource"/>, to read the CPU time it spends.</summary>
    public async Task<int> ProcessIdAsync(string resource)
    {
        var running = await App.ResourceNotifications.WaitForResourceAsync(resource, update => update.Snapshot.Properties.Any(property => property.Name == "executable.pid"));
        return Convert.ToInt32(running.Snapshot.Properties.First(property => property.Name == "executable.pid").Value, CultureInfo.InvariantCulture);
    }

    /// <summary>A request carrying a session token, as a signed-in user's client sends it.</summary>
    public static HttpRequestMessage Authorized(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AppHost.Telemetry;

/// The AppHost's in-process web servers (dashboard, OTLP): loopback only, quiet, and stopped by the AppHost rather than by signals.
internal static class EmbeddedWebHost
{
    public static WebApplicationBuilder CreateBuilder()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(EmbeddedWebHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Settings meant for the services (ASPNETCORE_URLS, their appsettings.json copied next to the AppHost) must not reach these servers.
        builder.Configuration.Sources.Clear();

        // The AppHost's console belongs to the resources; only the dashboard's own failures deserve a line there.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(options => options.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        return builder;
    }

    /// Listens on 127.0.0.1:<paramref name="port"/> (0: a free port); the result knows the bound port once the app has started.
    public static LoopbackListener Listen(this WebApplicationBuilder builder, int port, HttpProtocols protocols)
    {
        var listener = new LoopbackListener();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, options =>
        {
            options.Protocols = protocols;
            listener.Options = options;
        }));
        return listener;
    }
}

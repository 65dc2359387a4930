using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AppHost.Tests;

/// <summary>The platform as a developer starts it (default settings) with Aspire's dashboard receiving the services' telemetry.</summary>
public sealed class DashboardPlatformFixture : PlatformFixture
{
    internal AppHostLogs Logs { get; } = new();

    protected override bool Dashboard => true;

    protected override void Configure(IDistributedApplicationTestingBuilder builder) => builder.Services.AddSingleton<ILoggerProvider>(Logs);
}

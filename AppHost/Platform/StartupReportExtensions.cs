
namespace AppHost.Platform;

internal static class StartupReportExtensions
{
    public static void AddStartupReport(this IDistributedApplicationBuilder builder, AppHost.Secrets.DevSecrets secrets)
    {
        builder.Services.AddSingleton(secrets);
        builder.Services.AddHostedService<StartupReport>();
    }
}

namespace AppHost.Platform;

/// The dashboard on loopback over plain http (no developer certificate needed): 18888 for the UI, 18889 (gRPC) and
/// 18890 (HTTP) for OTLP, as the launch profile sets them; `DASHBOARD_PORT`, `DASHBOARD_OTLP_GRPC_PORT` and
/// `DASHBOARD_OTLP_HTTP_PORT` override both (0: a free port).
internal static class LocalDashboard
{
    private static readonly (string Setting, string AspireSetting, int DefaultPort)[] Ports =
    [
        ("DASHBOARD_PORT", "ASPNETCORE_URLS", 18888),
        ("DASHBOARD_OTLP_GRPC_PORT", "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", 18889),
        ("DASHBOARD_OTLP_HTTP_PORT", "ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", 18890),
    ];

    public static void UseLocalDashboard(this IDistributedApplicationBuilder builder)
    {
        // Without the launch profile (`dotnet AppHost.dll`) nothing else says so, and Aspire would ask for https.
        builder.Configuration["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] ??= "true";

        foreach (var (setting, aspireSetting, defaultPort) in Ports)
        {
            // Without the launch profile (`dotnet AppHost.dll`) Aspire's own settings are unset: give them the profile's values.
            if (!string.IsNullOrWhiteSpace(builder.Configuration[setting]) || string.IsNullOrWhiteSpace(builder.Configuration[aspireSetting]))
            {
                var port = LoopbackPorts.FromSetting(builder.Configuration, setting, defaultPort);
                builder.Configuration[aspireSetting] = $"http://localhost:{port}";
            }
        }
    }
}

using System.Security.Cryptography;

namespace AppHost.Dashboard;

/// The dashboard's ports (0: a free port) and the OTLP API key, from `DASHBOARD_*` settings.
internal sealed record DashboardOptions
{
    public const int DefaultPort = 18888;
    public const int DefaultOtlpGrpcPort = 18889;
    public const int DefaultOtlpHttpPort = 18890;

    /// `DASHBOARD_ENABLED=false` runs without dashboard and without telemetry export, e.g. to measure its overhead.
    public bool Enabled { get; init; } = true;

    public int Port { get; init; } = DefaultPort;

    public int OtlpGrpcPort { get; init; } = DefaultOtlpGrpcPort;

    public int OtlpHttpPort { get; init; } = DefaultOtlpHttpPort;

    public required string OtlpApiKey { get; init; }

    public static DashboardOptions FromConfiguration(IConfiguration configuration) => new()
    {
        Enabled = configuration.GetValue("DASHBOARD_ENABLED", true),
        Port = configuration.GetValue("DASHBOARD_PORT", DefaultPort),
        OtlpGrpcPort = configuration.GetValue("DASHBOARD_OTLP_GRPC_PORT", DefaultOtlpGrpcPort),
        OtlpHttpPort = configuration.GetValue("DASHBOARD_OTLP_HTTP_PORT", DefaultOtlpHttpPort),
        // A new key every run: a service from an earlier run, or any other local process, cannot write here.
        OtlpApiKey = configuration["DASHBOARD_OTLP_API_KEY"] is { Length: > 0 } key ? key : RandomNumberGenerator.GetHexString(32, lowercase: true),
    };

    /// Every fixed port already taken, each named with the setting that moves it.
    public IReadOnlyList<string> PortProblems()
    {
        var problems = new List<string>();
        foreach (var (setting, port) in new[] { ("DASHBOARD_PORT", Port), ("DASHBOARD_OTLP_GRPC_PORT", OtlpGrpcPort), ("DASHBOARD_OTLP_HTTP_PORT", OtlpHttpPort) })
        {
            if (port > 0 && LoopbackPorts.IsInUse(port))
            {
                problems.Add($"dashboard: port {port} is already in use; set {setting} to another port, or to 0 for a free one.");
            }
        }

        return problems;
    }
}

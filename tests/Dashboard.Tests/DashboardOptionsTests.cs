using System.Net;
using System.Net.Sockets;
using AppHost.Dashboard;
using Microsoft.Extensions.Configuration;

namespace Dashboard.Tests;

public sealed class DashboardOptionsTests
{
    [Fact]
    public void PortsDefaultToTheContractAndTheApiKeyIsNewEveryRun()
    {
        var first = DashboardOptions.FromConfiguration(Configuration());
        var second = DashboardOptions.FromConfiguration(Configuration());

        Assert.Equal((18888, 18889, 18890, true), (first.Port, first.OtlpGrpcPort, first.OtlpHttpPort, first.Enabled));
        Assert.Equal(32, first.OtlpApiKey.Length);
        Assert.NotEqual(first.OtlpApiKey, second.OtlpApiKey);
    }

    [Fact]
    public void SettingsOverridePortsKeyAndTheSwitch()
    {
        var options = DashboardOptions.FromConfiguration(Configuration(
            ("DASHBOARD_PORT", "0"), ("DASHBOARD_OTLP_GRPC_PORT", "0"), ("DASHBOARD_OTLP_HTTP_PORT", "0"), ("DASHBOARD_OTLP_API_KEY", "k"), ("DASHBOARD_ENABLED", "false")));

        Assert.Equal((0, 0, 0, "k", false), (options.Port, options.OtlpGrpcPort, options.OtlpHttpPort, options.OtlpApiKey, options.Enabled));
        Assert.Empty(options.PortProblems());
    }

    [Fact]
    public void APortInUseIsReportedWithTheSettingThatMovesIt()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var options = DashboardOptions.FromConfiguration(Configuration(("DASHBOARD_PORT", "0"), ("DASHBOARD_OTLP_GRPC_PORT", port.ToString()), ("DASHBOARD_OTLP_HTTP_PORT", "0")));

        var problem = Assert.Single(options.PortProblems());
        Assert.Contains($"port {port} is already in use; set DASHBOARD_OTLP_GRPC_PORT", problem);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create(setting.Key, (string?)setting.Value))).Build();
}

using System.Net;
using System.Net.Sockets;

namespace AppHost.Tests;

[Collection(PlatformCollection.Name)]
public sealed class ShutdownTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("apphost-shutdown-").FullName;

    [Fact]
    public async Task StoppingTheAppLeavesNoProcessBehind()
    {
        var app = await DistributedApplicationTestingBuilder.StartAsync<Program>([$"--DATA_DIR={_dataDirectory}", "--GATEWAY_PORT=0", "--DASHBOARD_PORT=0", "--DASHBOARD_OTLP_GRPC_PORT=0", "--DASHBOARD_OTLP_HTTP_PORT=0"]);
        var pids = app.GetResources().Select(resource => resource.ProcessId).OfType<int>().ToArray();

        await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(pids.Length >= 3, $"expected the services' pids, got {pids.Length}");
        Assert.All(pids, pid => Assert.False(ProcessTable.IsAlive(pid), $"process {pid} is still running"));
        Assert.All(app.GetResources(), resource => Assert.Equal(ResourceState.Stopped, resource.State));
    }

    [Fact]
    public async Task SigkillOfTheAppHostLeavesNoChildAlive()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // The watchdog is Unix-only and children are found through /proc.
        }

        // Port 0 everywhere: a port picked here could be taken by another test's platform before the AppHost binds it.
        using var appHost = new AppHostProcess($"--DATA_DIR={_dataDirectory}", "--GATEWAY_PORT=0", "--DASHBOARD_PORT=0", "--DASHBOARD_OTLP_GRPC_PORT=0", "--DASHBOARD_OTLP_HTTP_PORT=0");
        await appHost.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        var children = ProcessTable.ChildrenOf(appHost.Id);

        appHost.KillHard();

        Assert.True(children.Count >= 5, $"expected redis-server, three services and the watchdog, found {children.Count}:{Environment.NewLine}{appHost.Output}");
        Assert.True(await ProcessTable.AllGoneAsync(children, TimeSpan.FromSeconds(5)), $"still running: {string.Join(", ", children.Where(ProcessTable.IsAlive))}");
    }

    [Fact]
    public async Task ATakenGatewayPortMakesTheAppHostExitNonZeroNamingThePort()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        using var appHost = new AppHostProcess($"--DATA_DIR={_dataDirectory}", $"--GATEWAY_PORT={port}", "--DASHBOARD_PORT=0", "--DASHBOARD_OTLP_GRPC_PORT=0", "--DASHBOARD_OTLP_HTTP_PORT=0");
        var exitCode = await appHost.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"gateway: port {port} is already in use; set GATEWAY_PORT to another port", appHost.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A killed service may still hold a file for a moment.
        }
    }
}

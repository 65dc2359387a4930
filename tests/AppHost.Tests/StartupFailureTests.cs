using System.Net;
using System.Net.Sockets;

namespace AppHost.Tests;

[Collection(WholeSystem.Name)]
public sealed class StartupFailureTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("apphost-failure-").FullName;

    [Fact]
    public async Task ATakenGatewayPortStopsTheAppHostAtOnceWithAMessageNamingThePortAndTheSetting()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        // The later --GATEWAY_PORT wins over the fixture's 0.
        await using var appHost = AppHostProcess.Start(_dataDirectory, [$"--GATEWAY_PORT={port}"]);
        var exitCode = await appHost.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var started = ProcessTable.StartedBy(appHost.Id, _dataDirectory);

        Assert.True(exitCode is not null, $"the AppHost still runs 60 s after starting with a taken port; its output:{Environment.NewLine}{appHost.Output}");
        Assert.NotEqual(0, exitCode);
        Assert.Contains($"port {port} is already in use", appHost.Output, StringComparison.Ordinal);
        Assert.Contains("set GATEWAY_PORT to another port", appHost.Output, StringComparison.Ordinal);
        Assert.True(started.Processes.Count == 0, $"it started processes before it stopped:{Environment.NewLine}{started}");
    }

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);
}

namespace AppHost.Tests;

public sealed class FailureReportTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("apphost-failures-").FullName;

    [Fact]
    public void AMissingBuildNamesTheProjectAndTheBuildCommand()
    {
        var projectDirectory = Directory.CreateDirectory(Path.Combine(_directory, "Unbuilt")).FullName;
        File.WriteAllText(Path.Combine(projectDirectory, "Unbuilt.csproj"), "<Project />");

        var problems = Preflight.Validate([new ProjectResource("unbuilt", projectDirectory)]);

        var problem = Assert.Single(problems);
        Assert.StartsWith("unbuilt: ", problem, StringComparison.Ordinal);
        Assert.Contains("Unbuilt.dll not found", problem, StringComparison.Ordinal);
        Assert.Contains($"dotnet build {Path.Combine(projectDirectory, "Unbuilt.csproj")}", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServiceThatNeverGetsHealthyIsReportedWithItsLastHealthErrorAndConsoleLines()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Uses /bin/sh as a stand-in service.
        }

        var context = new HostContext { DataDirectory = _directory, Echo = null, HealthTimeout = TimeSpan.FromSeconds(2) };
        var url = $"http://127.0.0.1:{LoopbackPorts.GetFree()}";
        var spec = new ProcessSpec("/bin/sh", ["-c", "echo listening nowhere; exec sleep 60"], _directory, new Dictionary<string, string>());
        var instance = new ProcessInstance("sleepy", new ProjectResource("sleepy", _directory), "Project", spec, new HttpHealthProbe(new Uri(url)), [url], context);
        await instance.StartAsync(CancellationToken.None);
        try
        {
            var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => instance.WaitHealthyAsync(CancellationToken.None));

            Assert.StartsWith("sleepy: not healthy within 2 s; last health check: GET", error.Message, StringComparison.Ordinal);
            Assert.Contains("listening nowhere", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await instance.StopAsync(TimeSpan.FromSeconds(5));
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

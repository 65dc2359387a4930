using System.Net;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace AppHost.Tests;

/// <summary>A machine with neither redis-server nor a container runtime: the AppHost runs the embedded Garnet server as <c>cache</c>.</summary>
[Collection(WholeSystem.Name)]
public sealed partial class EmbeddedCacheTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("apphost-embedded-cache-").FullName;
    private readonly string _bin = Directory.CreateTempSubdirectory("apphost-path-").FullName;

    [Fact]
    public async Task WithoutRedisServerOrAContainerRuntimeTheEmbeddedGarnetServerIsTheCache()
    {
        // PATH holds dotnet and nothing else: no redis-server, no docker, no podman.
        File.CreateSymbolicLink(Path.Combine(_bin, "dotnet"), DotnetHost());

        await using var appHost = AppHostProcess.Start(_dataDirectory, path: _bin);
        await appHost.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        var started = appHost.StartedProcesses();

        Assert.Contains("cache: the embedded Garnet server", appHost.Output, StringComparison.Ordinal);
        Assert.Contains(started.Processes, process => process.CommandLine.Contains("dcp run-controllers", StringComparison.Ordinal));
        Assert.DoesNotContain(started.Processes, process => process.CommandLine.Contains("redis-server", StringComparison.Ordinal));
        var garnet = Assert.Single(started.Processes, process => process.CommandLine.Contains("EmbeddedRedis.dll", StringComparison.Ordinal));
        var todoservice = Assert.Single(started.Processes, process => process.CommandLine.Contains("TodoService.dll", StringComparison.Ordinal));
        var cache = ProcessTable.EnvironmentOf(todoservice.Pid)["ConnectionStrings__cache"];
        Assert.Contains($"--port {cache.Split(':')[1]}", garnet.CommandLine, StringComparison.Ordinal);

        // It answers as Redis does, and the platform works on it: a user's first request creates their database.
        await using (var redis = await ConnectionMultiplexer.ConnectAsync($"{cache},connectTimeout=5000"))
        {
            await redis.GetDatabase().StringSetAsync("embedded-cache-test", "yes");
            Assert.Equal("yes", (string?)await redis.GetDatabase().StringGetAsync("embedded-cache-test"));
        }

        using var gateway = new HttpClient { BaseAddress = new Uri(GatewayAddress().Match(appHost.Output).Groups[1].Value), Timeout = TimeSpan.FromSeconds(30) };
        var user = await PlatformUser.SignInAsync(gateway);
        using var created = await user.AddTodoAsync("served on Garnet");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    // The dotnet the tests run under (dotnet test names it), else the one on PATH; the link points at the file itself.
    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath
            ? hostPath
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(folder => Path.Combine(folder, "dotnet")).First(File.Exists);
        return File.ResolveLinkTarget(host, returnFinalTarget: true)?.FullName ?? host;
    }

    [GeneratedRegex(@"AppHost ready in \d+ ms: gateway (http://\S+?);")]
    private static partial Regex GatewayAddress();

    public void Dispose()
    {
        Directory.Delete(_bin, recursive: true);
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A process may still be closing a file; the temp folder is cleaned up by the OS eventually.
        }
    }
}

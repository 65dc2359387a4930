using System.Diagnostics;
using StackExchange.Redis;
using Xunit;

namespace Testing;

/// <summary>
/// A real redis-server for integration tests, on a free loopback port, or the server <c>REDIS_URL</c> names.
/// A machine without redis-server fails the test with a message that names it (<c>.ci/run</c> installs it).
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{

    private readonly string _directory = Directory.CreateTempSubdirectory("redis-fixture-").FullName;
    private Process? _server;
    private ConnectionMultiplexer? _connection;

    /// <summary>host:port of the server.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>A connection with admin commands allowed (FLUSHDB between tests).</summary>
    public IConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("RedisFixture is not initialized.");

    public async Task InitializeAsync()
    {
        ConnectionString = Environment.GetEnvironmentVariable("REDIS_URL") is { Length: > 0 } url ? url : StartServer();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                _connection = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},allowAdmin=true,connectTimeout=1000");
                return;
            }
            catch (RedisConnectionException) when (deadline.Elapsed < TimeSpan.FromSeconds(20) && _server is { HasExited: false })
            {
                await Task.Delay(100);
            }
        }
    }

    private string StartServer()
    {
        var port = LoopbackPort.Free();
        var info = new ProcessStartInfo("redis-server")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        foreach (var argument in new[] { "--bind", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no" })
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            _server = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed: these tests need a real Redis (apt-get install redis-server; .ci/run does it).", ex);
        }

        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        return $"127.0.0.1:{port}";
    }

    /// <summary>SIGSTOP: the server keeps its connections open but answers nothing, as a hung Redis does.</summary>
    public void Pause() => Signals.Send(OwnServer().Id, Signals.Stop);

    /// <summary>SIGCONT after <see cref="Pause"/>: the server answers again, commands sent meanwhile included.</summary>
    public void Resume() => Signals.Send(OwnServer().Id, Signals.Continue);

    /// <summary>Kills the server: connections drop and new ones are refused, as when Redis is down.</summary>
    public async Task StopAsync()
    {
        var server = OwnServer();
        server.Kill();
        await server.WaitForExitAsync();
    }

    private Process OwnServer() => _server ?? throw new InvalidOperationException(
        "This test stops or pauses Redis, so it needs a redis-server of its own: unset REDIS_URL.");

    public async Task DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            // A test that failed while Redis was paused must not leave closing the connection waiting on it.
            Signals.TrySend(_server.Id, Signals.Continue);
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (_server is { HasExited: false })
        {
            _server.Kill();
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

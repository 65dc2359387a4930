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


    public async Task DisposeAsync()
    {
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

using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hrana.Tests;

/// <summary>
/// tests/LibsqlClient (the real <c>@libsql/client</c> from npm, pinned by its package-lock.json) as copied into the
/// test output: installed once with <c>npm ci</c>, then <c>node check.mjs</c> run against a database URL.
/// </summary>
public static class LibsqlClientCheck
{
    private const int MinimumNodeMajor = 18;
    private static readonly SemaphoreSlim InstallOnce = new(1, 1);

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "LibsqlClient");

    /// <summary>Runs check.mjs against <paramref name="url"/> (ending in <c>/db/{name}/</c>); its exit code and everything it printed.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(Uri url, string authToken) => RunAsync("check.mjs", url, authToken);

    /// <summary>Runs <paramref name="script"/> (check.mjs, read-only.mjs) against <paramref name="url"/>; its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string script, Uri url, string authToken)
    {
        await EnsureInstalledAsync();
        return await RunToolAsync("node", [script], new Dictionary<string, string>
        {
            ["LIBSQL_URL"] = url.ToString(),
            ["LIBSQL_AUTH_TOKEN"] = authToken,
        }, TimeSpan.FromMinutes(2));
    }

    private static async Task EnsureInstalledAsync()
    {
        await InstallOnce.WaitAsync();
        try
        {
            await RequireNodeAsync();
            // node_modules is kept between runs; the stamp says which lock file it was installed from.
            var lockHash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(Folder, "package-lock.json"))));
            var stamp = Path.Combine(Folder, "node_modules", ".installed-from-lock");
            if (File.Exists(stamp) && await File.ReadAllTextAsync(stamp) == lockHash)
            {
                return;
            }

            var (exitCode, output) = await RunToolAsync("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], null, TimeSpan.FromMinutes(5));
            Assert.True(exitCode == 0, $"npm ci in {Folder} exited with {exitCode}:\n{output}");
            await File.WriteAllTextAsync(stamp, lockHash);
        }
        finally
        {
            InstallOnce.Release();
        }
    }

    private static async Task RequireNodeAsync()
    {
        var (_, version) = await RunToolAsync("node", ["--version"], null, TimeSpan.FromSeconds(30));
        var major = version.Trim().TrimStart('v').Split('.')[0];
        Assert.True(int.TryParse(major, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= MinimumNodeMajor,
            $"@libsql/client needs node {MinimumNodeMajor} or later; this machine's node says '{version.Trim()}'. Install Debian's nodejs and npm (apt-get install nodejs npm).");
    }

    private static async Task<(int ExitCode, string Output)> RunToolAsync(string tool, string[] arguments, Dictionary<string, string>? environment, TimeSpan limit)
    {
        var start = new ProcessStartInfo(tool, arguments)
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment ?? [])
        {
            start.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        }
        catch (Win32Exception exception)
        {
            throw new InvalidOperationException(
                $"The libSQL client tests need node ({MinimumNodeMajor}+) and npm on PATH, and '{tool}' could not be started ({exception.Message}). " +
                "Install Debian's nodejs and npm (apt-get install nodejs npm); .ci/run does.", exception);
        }

        using (process)
        {
            var output = new StringBuilder();
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var timeout = new CancellationTokenSource(limit);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish within {limit}:\n{Read(output)}");
            }

            return (process.ExitCode, Read(output));
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Read(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}

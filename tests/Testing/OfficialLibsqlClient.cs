using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Xunit;

namespace Testing;

/// <summary>
/// The official <c>@libsql/client</c> under node: the scripts of tests/LibsqlClient as copied into a test project's
/// output folder <c>LibsqlClient</c>, installed once with <c>npm ci</c> (pinned by package-lock.json).
/// </summary>
public static class OfficialLibsqlClient
{
    private const int MinimumNodeMajor = 18;
    private static readonly SemaphoreSlim InstallOnce = new(1, 1);

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "LibsqlClient");

    /// <summary>Runs <c>node <paramref name="script"/> <paramref name="arguments"/></c> against a database URL; its exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string script, Uri url, string authToken, params string[] arguments)
    {
        await EnsureInstalledAsync();
        return await RunToolAsync("node", [script, .. arguments], new()
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
            var (_, version, _) = await RunToolAsync("node", ["--version"], [], TimeSpan.FromSeconds(30));
            Assert.True(int.TryParse(version.Trim().TrimStart('v').Split('.')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var major) && major >= MinimumNodeMajor,
                $"@libsql/client needs node {MinimumNodeMajor} or later; this machine's node says '{version.Trim()}'. Install Debian's nodejs and npm (apt-get install nodejs npm).");
            // node_modules is kept between runs; the stamp says which lock file it was installed from.
            var lockHash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(Folder, "package-lock.json"))));
            var stamp = Path.Combine(Folder, "node_modules", ".installed-from-lock");
            if (File.Exists(stamp) && await File.ReadAllTextAsync(stamp) == lockHash)
            {
                return;
            }

            var (exitCode, output, errors) = await RunToolAsync("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], [], TimeSpan.FromMinutes(5));
            Assert.True(exitCode == 0, $"npm ci in {Folder} exited with {exitCode}:\n{errors}\n{output}");
            await File.WriteAllTextAsync(stamp, lockHash);
        }
        finally
        {
            InstallOnce.Release();
        }
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunToolAsync(string tool, string[] arguments, Dictionary<string, string> environment, TimeSpan limit)
    {
        var start = new ProcessStartInfo(tool, arguments)
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
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
            using var timeout = new CancellationTokenSource(limit);
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
                return (process.ExitCode, await output, await errors);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish within {limit}.");
            }
        }
    }
}

using System.Diagnostics;
using System.Net;

namespace Testing;

/// <summary>Starting a service from its own build output, as the AppHost does, for tests and benchmarks that run it alone.</summary>
public static class ServiceBuild
{
    /// <summary><c>{project}.dll</c> from the project's build output, in the configuration the caller was built in.</summary>
    public static string Assembly(string project)
    {
        var callerOutput = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = callerOutput.Parent!.Name;
        var path = Path.Combine(RepositoryRoot(), project, "bin", configuration, callerOutput.Name, project + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {project} in {configuration} first: '{path}' is missing.", path);
    }

    /// <summary>
    /// Publishes <paramref name="project"/> as a native AOT executable for linux-x64 into <paramref name="output"/>, as README's
    /// "Native todoservice" says (minutes: the AOT compiler and linker run); returns the executable's path.
    /// </summary>
    public static async Task<string> PublishNativeAsync(string project, string output)
    {
        // The AOT compiler links with clang (apt-get install clang); without it publish fails late and obscurely.
        if (!Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(folder => File.Exists(Path.Combine(folder, "clang"))))
        {
            throw new InvalidOperationException("clang is not installed: native AOT publishing links with it (apt-get install clang).");
        }

        var start = new ProcessStartInfo("dotnet", ["publish", Path.Combine(RepositoryRoot(), project), "-c", "Release", "-r", "linux-x64", "-o", output])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var publish = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var printed = publish.StandardOutput.ReadToEndAsync();
        var errors = publish.StandardError.ReadToEndAsync();
        await publish.WaitForExitAsync();
        var executable = Path.Combine(output, project);
        return publish.ExitCode == 0 && File.Exists(executable)
            ? executable
            : throw new InvalidOperationException($"dotnet publish {project} (native AOT) failed with {publish.ExitCode}:\n{await printed}\n{await errors}");
    }

    private static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Aspire.sln")))
        {
            root = root.Parent;
        }

        return root?.FullName ?? throw new InvalidOperationException($"Aspire.sln not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>Polls <c>/alive</c> until it answers 200; fails at once, with what the process printed, if it exits.</summary>
    public static async Task WaitAliveAsync(Process process, HttpClient client, string project, TimeSpan within, Func<string> output)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{project} exited with {process.ExitCode}:\n{output()}");
            }

            try
            {
                using var response = await client.GetAsync("/alive");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{project} did not become ready in {within.TotalSeconds:0} s:\n{output()}");
    }
}

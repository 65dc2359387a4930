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
        var root = callerOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Aspire.sln")))
        {
            root = root.Parent;
        }

        var path = Path.Combine(root?.FullName ?? throw new InvalidOperationException($"Aspire.sln not found above {callerOutput.FullName}."),
            project, "bin", configuration, callerOutput.Name, project + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {project} in {configuration} first: '{path}' is missing.", path);
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

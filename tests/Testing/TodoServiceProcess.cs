namespace Testing;

/// <summary>TodoService as a real process, trusting tokens signed with <c>DEV_JWT_SIGNING_KEY</c> (see <see cref="TestTokens"/>).</summary>
public sealed class TodoServiceProcess : ServiceProcess
{
    private TodoServiceProcess(IReadOnlyDictionary<string, string> environment, string? nativeExecutable)
        : base("TodoService", environment, bearerToken: null, nativeExecutable: nativeExecutable)
    {
    }

    /// <summary>
    /// Starts the service and waits until it answers; <paramref name="settings"/> are extra environment variables;
    /// <paramref name="nativeExecutable"/> runs a native AOT publish instead of the build output.
    /// </summary>
    public static async Task<TodoServiceProcess> StartAsync(
        string dataDirectory, string redis, string signingKeyPem, IReadOnlyDictionary<string, string>? settings = null, string? nativeExecutable = null)
    {
        var environment = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["DATA_DIR"] = dataDirectory,
            ["ConnectionStrings__cache"] = redis,
            ["DEV_JWT_SIGNING_KEY"] = signingKeyPem,
        };
        var service = new TodoServiceProcess(environment, nativeExecutable);
        await service.WaitReadyAsync();
        return service;
    }
}

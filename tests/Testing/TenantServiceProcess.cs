namespace Testing;

/// <summary>TenantService as a real process; its client carries the platform token.</summary>
public sealed class TenantServiceProcess : ServiceProcess
{
    private TenantServiceProcess(IReadOnlyDictionary<string, string> environment, string platformToken, int? port)
        : base("TenantService", environment, platformToken, port)
    {
    }

    /// <summary>
    /// Starts the service and waits until it answers; <paramref name="settings"/> are extra environment variables, and
    /// <paramref name="port"/> a fixed loopback port (a free one when null).
    /// </summary>
    public static async Task<TenantServiceProcess> StartAsync(string dataDirectory, string redis, string platformToken, IReadOnlyDictionary<string, string>? settings = null, int? port = null)
    {
        var environment = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["DATA_DIR"] = dataDirectory,
            ["ConnectionStrings__cache"] = redis,
            ["PLATFORM_API_TOKEN"] = platformToken,
        };
        var service = new TenantServiceProcess(environment, platformToken, port);
        await service.WaitReadyAsync();
        return service;
    }
}

namespace AppHost.Tests;

/// <summary>
/// STORAGE_NODE=true, with two todoservice replicas, a backend of the user's own (a Turso stand-in that nothing here
/// calls) and the dashboard, every request traced.
/// </summary>
public sealed class StorageNodePlatformFixture : PlatformFixture
{
    public const string UserBackendUrl = "http://127.0.0.1:9/";

    public const string UserBackendToken = "turso-token-of-the-user";

    public static readonly string[] Replicas = ["todoservice-0", "todoservice-1"];

    /// <summary>The storage node's data folder: next to <see cref="PlatformFixture.DataDirectory"/>.</summary>
    public string StorageDataDirectory => DataDirectory + "-storage";

    protected override IEnumerable<string> Arguments =>
    [
        "--STORAGE_NODE=true", "--TODOSERVICE_REPLICAS=2", "--TRACES_PER_SECOND=0",
        "--STORAGE_BACKENDS=turso", $"--STORAGE_TURSO_URL={UserBackendUrl}", "--STORAGE_TURSO_ORG=acme", $"--STORAGE_TURSO_TOKEN={UserBackendToken}",
        "--STORAGE_REQUEST_TIMEOUT_MS=4000",
    ];

    protected override bool Dashboard => true;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(StorageDataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A process may still be closing a file; the temp folder is cleaned up by the OS eventually.
        }
    }
}

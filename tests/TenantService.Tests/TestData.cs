namespace TenantService.Tests;

/// <summary>Temporary folders and unique names for tests.</summary>
internal static class TestData
{
    public static string NewDataDirectory() => Directory.CreateTempSubdirectory("tenantservice-test-").FullName;

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(64, prefix.Length + 13)];

    public static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A file may still be closing; the temp folder is the OS's to clean.
        }
    }
}

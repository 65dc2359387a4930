using AppHost.Secrets;
using Microsoft.Extensions.Configuration;

namespace AppHost.Tests;

public sealed class DevSecretStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dev-secrets-").FullName;

    private string SecretsPath => Path.Combine(_directory, "secrets.json");

    [Fact]
    public void DevSecretsAreCreatedOnceAndReused()
    {
        var empty = new ConfigurationBuilder().Build();

        var first = DevSecretStore.LoadOrCreate(SecretsPath, empty, DevSecret.All);
        var second = DevSecretStore.LoadOrCreate(SecretsPath, empty, DevSecret.All);

        Assert.Equal(first, second);
        Assert.Equal(43, first["PLATFORM_API_TOKEN"].Length);
        Assert.Matches("^[A-Za-z0-9_-]+$", first["PLATFORM_API_TOKEN"]);
        Assert.StartsWith("whsec_", first["CLERK_WEBHOOK_SECRET"], StringComparison.Ordinal);
        Assert.Equal(24, Convert.FromBase64String(first["CLERK_WEBHOOK_SECRET"]["whsec_".Length..]).Length);
    }

    [Fact]
    public void TheSecretsFileIsReadableOnlyByItsOwner()
    {
        DevSecretStore.LoadOrCreate(SecretsPath, new ConfigurationBuilder().Build(), DevSecret.All);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SecretsPath));
        }
    }

    [Fact]
    public void AConfiguredSecretWinsAndIsNotWrittenToTheFile()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("PLATFORM_API_TOKEN", "from-env")]).Build();

        var secrets = DevSecretStore.LoadOrCreate(SecretsPath, configuration, DevSecret.All);

        Assert.Equal("from-env", secrets["PLATFORM_API_TOKEN"]);
        Assert.DoesNotContain("from-env", File.ReadAllText(SecretsPath), StringComparison.Ordinal);
    }

    [Fact]
    public void ANewKindOfSecretIsAddedToAnExistingFile()
    {
        var empty = new ConfigurationBuilder().Build();
        var first = DevSecretStore.LoadOrCreate(SecretsPath, empty, DevSecret.All);

        var second = DevSecretStore.LoadOrCreate(SecretsPath, empty, [.. DevSecret.All, new DevSecret("DEV_JWT_KEY", () => "key")]);

        Assert.Equal(first["PLATFORM_API_TOKEN"], second["PLATFORM_API_TOKEN"]);
        Assert.Equal("key", second["DEV_JWT_KEY"]);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

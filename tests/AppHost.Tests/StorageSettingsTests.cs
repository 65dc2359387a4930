using AppHost.Secrets;
using AppHost.Storage;
using Microsoft.Extensions.Configuration;

namespace AppHost.Tests;

/// <summary>What the AppHost makes of STORAGE_NODE and a user's STORAGE_* settings, before anything starts.</summary>
public sealed class StorageSettingsTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("storage-settings-").FullName;

    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("storage")]
    public void AStorageNodeSettingOtherThanTrueOrFalseStopsTheAppHostNamingIt(string value)
    {
        var error = Assert.Throws<DistributedApplicationException>(() => StorageNode.IsWanted(Settings(("STORAGE_NODE", value))));

        Assert.Equal($"STORAGE_NODE '{value}' is not true or false; set STORAGE_NODE=true to start a storage node beside tenantservice, or unset it.", error.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    [InlineData("false")]
    public void UnsetBlankOrFalseThereIsNoStorageNodeAndNoSecretForIt(string? value)
    {
        var configuration = Settings(("STORAGE_NODE", value));

        Assert.False(StorageNode.IsWanted(configuration));
        Assert.Empty(StorageNode.Secrets(configuration));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("True")]
    public void TrueStartsTheNodeWithATokenOfItsOwn(string value)
    {
        Assert.Equal([DevSecret.StorageNodeToken], StorageNode.Secrets(Settings(("STORAGE_NODE", value))));
    }

    [Fact]
    public void TheStorageNodesDataFolderIsNextToTheMainOne()
    {
        Assert.Equal(_dataDirectory + "-storage", StorageNode.DataDirectory(Settings(("DATA_DIR", _dataDirectory + Path.DirectorySeparatorChar))));
    }

    [Fact]
    public void AUsersBackendsReachTheServicesAsGivenAndOtherStorageSettingsDoNot()
    {
        var configuration = Settings(
            ("STORAGE_BACKENDS", "turso, eu-west"),
            ("STORAGE_TURSO_URL", "https://api.turso.tech"), ("STORAGE_TURSO_ORG", "acme"), ("STORAGE_TURSO_TOKEN", "t1"),
            ("STORAGE_EU_WEST_URL", "https://eu.example"), ("STORAGE_EU_WEST_TOKEN", "t2"),
            ("STORAGE_PLACEMENT", "local,turso"), ("STORAGE_REQUEST_TIMEOUT_MS", "3000"),
            // Not a backend in STORAGE_BACKENDS: someone else's setting, not passed on.
            ("STORAGE_ACCOUNT_TOKEN", "not-ours"));

        var storage = StorageBackends.Read(configuration, node: null);

        Assert.Null(storage.Node);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["STORAGE_BACKENDS"] = "turso, eu-west",
                ["STORAGE_TURSO_URL"] = "https://api.turso.tech",
                ["STORAGE_TURSO_ORG"] = "acme",
                ["STORAGE_TURSO_TOKEN"] = "t1",
                ["STORAGE_EU_WEST_URL"] = "https://eu.example",
                ["STORAGE_EU_WEST_TOKEN"] = "t2",
                ["STORAGE_PLACEMENT"] = "local,turso",
                ["STORAGE_REQUEST_TIMEOUT_MS"] = "3000",
            },
            storage.Settings);
    }

    [Fact]
    public void WithoutStorageSettingsTheServicesAreGivenNone()
    {
        Assert.Empty(StorageBackends.Read(Settings(), node: null).Settings);
    }

    [Fact]
    public void WithTheNodeAUsersPlacementWinsOverSpreadingAcrossBoth()
    {
        var storage = Storage(("STORAGE_BACKENDS", "turso"), ("STORAGE_TURSO_URL", "https://api.turso.tech"), ("STORAGE_TURSO_TOKEN", "t1"), ("STORAGE_PLACEMENT", "storage"));

        Assert.NotNull(storage.Node);
        Assert.Equal("turso,storage", storage.Settings["STORAGE_BACKENDS"]);
        Assert.Equal("storage", storage.Settings["STORAGE_PLACEMENT"]);
    }

    [Fact]
    public void WithTheNodeAloneNewTenantsAreSpreadAcrossThisNodeAndIt()
    {
        var storage = Storage();

        Assert.Equal("storage", storage.Settings["STORAGE_BACKENDS"]);
        Assert.Equal("local,storage", storage.Settings["STORAGE_PLACEMENT"]);
        Assert.Equal(["storage-cache", "storage"], storage.Node!.Service.ApplicationBuilder.Resources.Where(resource => resource is not ParameterResource && resource.Name.StartsWith("storage", StringComparison.Ordinal)).Select(resource => resource.Name));
    }

    [Fact]
    public void AUsersBackendNamedStorageStopsTheAppHostWhenTheNodeRuns()
    {
        var error = Assert.Throws<DistributedApplicationException>(() => Storage(("STORAGE_BACKENDS", "turso,storage")));

        Assert.Equal("STORAGE_BACKENDS names 'storage', the backend STORAGE_NODE=true starts; rename that backend, or unset STORAGE_NODE.", error.Message);
    }

    // The AppHost's own wiring with STORAGE_NODE=true on a builder that is never started.
    private StorageBackends Storage(params (string Name, string Value)[] settings)
    {
        var builder = DistributedApplication.CreateBuilder([$"--DATA_DIR={_dataDirectory}", "--STORAGE_NODE=true", .. settings.Select(setting => $"--{setting.Name}={setting.Value}")]);
        return builder.AddStorage(builder.AddDevSecrets(StorageNode.Secrets(builder.Configuration)));
    }

    private static IConfiguration Settings(params (string Name, string? Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(setting => new KeyValuePair<string, string?>(setting.Name, setting.Value))).Build();

    public void Dispose()
    {
        foreach (var directory in (string[])[_dataDirectory, _dataDirectory + "-storage"])
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}

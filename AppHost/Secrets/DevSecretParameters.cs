using AppHost.Platform;

namespace AppHost.Secrets;

internal static class DevSecretParameters
{
    /// <summary>
    /// One secret parameter per <see cref="DevSecret"/> (`platform-api-token`, ...), read from `$DATA_DIR/secrets.json`,
    /// generated there on first use, or taken from the setting of the same name (`PLATFORM_API_TOKEN`, ...). The
    /// <paramref name="unshared"/> ones are kept in the same file but given to no service by <see cref="DevSecrets.AddTo"/>.
    /// </summary>
    public static DevSecrets AddDevSecrets(this IDistributedApplicationBuilder builder, params IReadOnlyList<DevSecret> unshared)
    {
        var path = Path.Combine(PlatformSettings.DataDirectory(builder.Configuration), DevSecretStore.FileName);
        // One load for every secret: two loads of the same file could each write it without the other's new values.
        var values = new Lazy<IReadOnlyDictionary<string, string>>(() => DevSecretStore.LoadOrCreate(path, builder.Configuration, [.. DevSecret.All, .. unshared]));
        IResourceBuilder<ParameterResource> Add(DevSecret secret) =>
            builder.AddParameter(ParameterName(secret.Name), () => values.Value[secret.Name], secret: true);
        var shared = DevSecret.All.Select(secret => (secret.Name, Add(secret))).ToArray();
        var own = unshared.ToDictionary(secret => secret.Name, Add);
        return new DevSecrets(shared, own, path);
    }

    // PLATFORM_API_TOKEN -> platform-api-token, the shape of Aspire's parameter names.
    private static string ParameterName(string setting) => setting.ToLowerInvariant().Replace('_', '-');
}

using AppHost.Platform;

namespace AppHost.Secrets;

internal static class DevSecretParameters
{
    /// <summary>
    /// One secret parameter per <see cref="DevSecret"/> (`platform-api-token`, ...), read from `$DATA_DIR/secrets.json`,
    /// generated there on first use, or taken from the setting of the same name (`PLATFORM_API_TOKEN`, ...).
    /// </summary>
    public static DevSecrets AddDevSecrets(this IDistributedApplicationBuilder builder)
    {
        var path = Path.Combine(PlatformSettings.DataDirectory(builder.Configuration), DevSecretStore.FileName);
        var values = new Lazy<IReadOnlyDictionary<string, string>>(() => DevSecretStore.LoadOrCreate(path, builder.Configuration, DevSecret.All));
        var parameters = DevSecret.All
            .Select(secret => (secret.Name, builder.AddParameter(ParameterName(secret.Name), () => values.Value[secret.Name], secret: true)))
            .ToArray();
        return new DevSecrets(parameters, path);
    }

    // PLATFORM_API_TOKEN -> platform-api-token, the shape of Aspire's parameter names.
    private static string ParameterName(string setting) => setting.ToLowerInvariant().Replace('_', '-');
}

using AppHost.Platform;

namespace AppHost.Secrets;

/// The dev secrets as Aspire secret parameters, kept in `$DATA_DIR/secrets.json` and overridden by settings of the same name.
internal sealed class DevSecrets(
    IReadOnlyList<(string Setting, IResourceBuilder<ParameterResource> Parameter)> shared,
    IReadOnlyDictionary<string, IResourceBuilder<ParameterResource>> unshared,
    string path)
{
    /// Where the generated secrets are kept.
    public string Path { get; } = path;

    /// The parameter of a secret that was added unshared, for the services that need it.
    public IResourceBuilder<ParameterResource> this[DevSecret secret] =>
        unshared.TryGetValue(secret.Name, out var parameter)
            ? parameter
            : throw new InvalidOperationException($"{secret.Name} was not added to the dev secrets; pass it to AddDevSecrets.");

    /// Gives the service every shared secret.
    public IResourceBuilder<ServiceResource> AddTo(IResourceBuilder<ServiceResource> service)
    {
        foreach (var (setting, parameter) in shared)
        {
            service.WithEnvironment(setting, parameter);
        }

        return service;
    }
}

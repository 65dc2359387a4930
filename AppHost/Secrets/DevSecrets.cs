using AppHost.Platform;

namespace AppHost.Secrets;

/// The dev secrets as Aspire secret parameters, kept in `$DATA_DIR/secrets.json` and overridden by settings of the same name.
internal sealed class DevSecrets(IReadOnlyList<(string Setting, IResourceBuilder<ParameterResource> Parameter)> parameters, string path)
{
    /// Where the generated secrets are kept.
    public string Path { get; } = path;

    public IResourceBuilder<ServiceResource> AddTo(IResourceBuilder<ServiceResource> service)
    {
        foreach (var (setting, parameter) in parameters)
        {
            service.WithEnvironment(setting, parameter);
        }

        return service;
    }
}

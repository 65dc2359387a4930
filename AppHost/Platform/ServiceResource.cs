namespace AppHost.Platform;

/// <summary>
/// A .NET service run from its build output (<c>dotnet Gateway.dll</c>). Aspire runs a project resource through
/// <c>dotnet run</c>, a second process per service that stays alive beside it (~130 MB) and adds seconds to every start.
/// </summary>
internal sealed class ServiceResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithServiceDiscovery;

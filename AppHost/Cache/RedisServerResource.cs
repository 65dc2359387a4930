namespace AppHost.Cache;

/// <summary>
/// A Redis-compatible server run as a process (redis-server, or the embedded Garnet server), bound to a loopback port;
/// its connection string is <c>127.0.0.1:port</c>, so <c>WithReference(cache)</c> hands services <c>ConnectionStrings__cache</c>.
/// </summary>
internal sealed class RedisServerResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"127.0.0.1:{Endpoint.Property(EndpointProperty.Port)}");
}

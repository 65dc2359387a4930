using Testing;

namespace TenantService.Tests;

/// <summary>One storage node (another TenantService process with its own DATA_DIR, Redis and token) for a test class.</summary>
public sealed class RemoteNodeFixture : IAsyncLifetime
{
    private RemoteNode? _node;

    public RemoteNode Node => _node ?? throw new InvalidOperationException("RemoteNodeFixture is not initialized.");

    public async Task InitializeAsync() => _node = await RemoteNode.StartAsync();

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }
}

using Tenancy.Databases;
using Tenancy.Metadata;
using Testing;

namespace TodoService.Tests;

/// <summary>
/// Todoservice (a test server on this node's Redis) with a storage backend <see cref="Backend"/> that is another node of
/// the platform: a real TenantService process with its own DATA_DIR and Redis. Users' databases are made on that node
/// through its Platform API and placed there by a record in this node's Redis.
/// </summary>
public sealed class RemotePlacementFixture : IAsyncLifetime
{
    public const string Backend = "node-b";

    public TodoServiceFixture Local { get; } = new();

    public RemoteNode Remote { get; private set; } = null!;

    public TodoServiceHost Service { get; private set; } = null!;

    public TenantMetadataStore Metadata { get; private set; } = null!;

    /// <summary>A todoservice that knows the backend; <paramref name="settings"/> are added.</summary>
    public TodoServiceHost NewHost(IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["STORAGE_BACKENDS"] = Backend,
            ["STORAGE_NODE_B_URL"] = Remote.Address.ToString(),
            ["STORAGE_NODE_B_TOKEN"] = Remote.Token,
        };
        return Local.NewHost(all);
    }

    /// <summary>
    /// A new user whose database is made on the remote node and placed there (reached through <paramref name="via"/> when
    /// given, a proxy in front of the node), and a client of <paramref name="host"/> signed in as them.
    /// </summary>
    public async Task<(DatabaseName Name, HttpClient Client)> NewRemoteUserAsync(TodoServiceHost? host = null, Uri? via = null)
    {
        var userId = "user_" + Guid.NewGuid().ToString("N");
        var name = TenantId.FromClerkId(userId);
        var url = await Remote.CreateUserDatabaseAsync(name);
        if (via is not null)
        {
            url = new Uri(via, url.PathAndQuery.TrimStart('/'));
        }

        await Metadata.PublishAsync(Record(name, url, blockWrites: false), TenantEventType.Created);
        return (name, (host ?? Service).ClientFor(userId));
    }

    /// <summary>The record of a database placed on the remote node at <paramref name="url"/>.</summary>
    public static TenantRecord Record(DatabaseName name, Uri url, bool blockWrites) =>
        new(name, DatabaseKind.Child, UserDatabases.Schema, 1, blockWrites, BlockReads: false, DateTimeOffset.UtcNow, new DatabasePlacement(Backend, url));

    public async Task InitializeAsync()
    {
        await Local.InitializeAsync();
        Remote = await RemoteNode.StartAsync();
        Metadata = new TenantMetadataStore(Local.Redis.Connection);
        Service = NewHost();
        _ = Service.Server; // started now, so its event subscription is live before tests publish events
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await Remote.DisposeAsync();
        await Local.DisposeAsync();
    }
}

using Tenancy.Metadata;
using Testing;

namespace TodoService.Tests;

/// <summary>A real Redis, a temp DATA_DIR and one todoservice test server, shared by a test class.</summary>
public sealed class TodoServiceFixture : IAsyncLifetime
{
    private readonly RedisFixture _redis = new();

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "todoservice-tests-" + Guid.NewGuid().ToString("N"));

    public string SigningKeyPem { get; } = TestTokens.NewSigningKeyPem();

    public TodoServiceHost Service { get; private set; } = null!;

    public UserDatabases Users { get; private set; } = null!;

    public RedisFixture Redis => _redis;

    public TodoServiceHost NewHost(IDictionary<string, string?>? settings = null) =>
        new(DataDirectory, _redis.ConnectionString, SigningKeyPem, settings);

    /// <summary>A new user with a provisioned database, and a client signed in as them.</summary>
    public async Task<(string UserId, HttpClient Client)> NewUserAsync(TodoServiceHost? host = null)
    {
        var userId = "user_" + Guid.NewGuid().ToString("N");
        await Users.CreateAsync(userId);
        return (userId, (host ?? Service).ClientFor(userId));
    }

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        Directory.CreateDirectory(DataDirectory);
        Users = new UserDatabases(DataDirectory, new TenantMetadataStore(_redis.Connection));
        Service = NewHost();
        _ = Service.Server; // start it now, so its event subscription is live before tests publish events
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await _redis.DisposeAsync();
        Directory.Delete(DataDirectory, recursive: true);
    }
}

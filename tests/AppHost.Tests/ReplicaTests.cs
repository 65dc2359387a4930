using System.Net;

namespace AppHost.Tests;

[Collection(WholeSystem.Name)]
public sealed class ReplicaTests(ThreeReplicaPlatformFixture platform, ITestOutputHelper output) : IClassFixture<ThreeReplicaPlatformFixture>
{
    // With n users each replica is left out with probability (2/3)^n: 40 makes a replica without users a one-in-millions event.
    private const int Users = 40;

    [Fact]
    public async Task EachReplicaIsAHealthyProcessOfItsOwnAndTheGatewayIsGivenEveryOne()
    {
        var services = platform.Services.Select(service => service.Name).ToArray();
        var gateway = await platform.App.ProcessEnvironmentAsync("gateway");
        var processes = new List<int>();
        foreach (var replica in ThreeReplicaPlatformFixture.Replicas)
        {
            processes.Add(await platform.App.ProcessIdAsync(replica));
        }

        Assert.Equal(["tenantservice", .. ThreeReplicaPlatformFixture.Replicas, "gateway", "webapp"], services);
        Assert.Equal(3, processes.Distinct().Count());
        Assert.All(ThreeReplicaPlatformFixture.Replicas, replica => Assert.Equal("Healthy", HealthStatus(replica)));
        for (var index = 0; index < ThreeReplicaPlatformFixture.Replicas.Length; index++)
        {
            Assert.Equal(platform.App.GetEndpoint(ThreeReplicaPlatformFixture.Replicas[index], "http"), new Uri(gateway[$"services__todoservice__http__{index}"]));
        }

        Assert.False(gateway.ContainsKey("services__todoservice__http__3"));
    }

    [Fact]
    public async Task EachUsersRequestsLandOnOneReplicaAndEveryReplicaServesSomeUsers()
    {
        var users = await Task.WhenAll(Enumerable.Range(0, Users).Select(_ => PlatformUser.SignInAsync(platform.Gateway)));
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (user, _) =>
        {
            using var created = await user.AddTodoAsync("where am I served?");
            using var first = await user.ListTodosAsync();
            using var second = await user.ListTodosAsync();
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        });
        using var dashboard = await DashboardTelemetry.ConnectAsync(platform.App, CancellationToken.None);

        // Every request runs at least one command on the user's database, traced by the replica that served it (service.name = its resource).
        var databases = users.Select(user => user.Database).ToHashSet();
        IEnumerable<TelemetrySpan> Commands(IReadOnlyList<TelemetrySpan> spans) =>
            spans.Where(span => span.Attribute("db.namespace") is { } database && databases.Contains(database) && span.Service.StartsWith("todoservice", StringComparison.Ordinal));
        var spans = await dashboard.WaitForSpansAsync(
            all => Commands(all).GroupBy(span => span.Attribute("db.namespace")).Count(user => user.Select(span => span.TraceId).Distinct().Count() >= 3) == Users,
            TimeSpan.FromSeconds(60),
            $"three traced requests on each of {Users} users' databases");

        var servedBy = Commands(spans).GroupBy(span => span.Attribute("db.namespace")!).ToDictionary(user => user.Key, user => user.Select(span => span.Service).Distinct().Order().ToArray());
        Assert.All(servedBy, user => Assert.True(user.Value.Length == 1, $"{user.Key} was served by {string.Join(" and ", user.Value)}"));
        var usersPerReplica = ThreeReplicaPlatformFixture.Replicas.ToDictionary(replica => replica, replica => servedBy.Count(user => user.Value[0] == replica));
        output.WriteLine($"users per replica: {string.Join(", ", usersPerReplica)}");
        Assert.All(usersPerReplica, replica => Assert.True(replica.Value > 0, $"{replica.Key} served none of {Users} users: {string.Join(", ", usersPerReplica)}"));
    }

    private string? HealthStatus(string resource) =>
        platform.App.ResourceNotifications.TryGetCurrentState(resource, out var current) ? current.Snapshot.HealthStatus?.ToString() : null;
}

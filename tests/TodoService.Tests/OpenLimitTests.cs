using System.Net;
using System.Text.Json;
using Tenancy.Connections;
using Tenancy.Databases;

namespace TodoService.Tests;

/// <summary>Every open-database slot busy past Tenancy__OpenSlotWait: a cold user gets 503 naming the cause, not a hung request.</summary>
public sealed class OpenLimitTests(TodoServiceFixture fixture) : IClassFixture<TodoServiceFixture>
{
    [Fact]
    public async Task AColdUserGets503OpenLimitReachedWithRetryAfterWhileEverySlotIsBusy()
    {
        await using var host = fixture.NewHost(new Dictionary<string, string?>
        {
            ["Tenancy:MaxOpenDatabases"] = "1",
            ["Tenancy:OpenSlotWait"] = "00:00:00.100",
        });
        var (busyUser, _) = await fixture.NewUserAsync(host);
        var (_, cold) = await fixture.NewUserAsync(host);
        var busy = (await host.Cache.AcquireAsync(DatabaseName.Parse(TenantId.FromClerkId(busyUser).Value), TenantAccessMode.Write)).Lease!;

        using (var refused = await cold.GetAsync("/api/todos"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("OpenLimitReached", problem.GetProperty("code").GetString());
            Assert.Contains("Tenancy__MaxOpenDatabases", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains("Tenancy__OpenSlotWait", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        busy.Dispose();
        using var served = await cold.GetAsync("/api/todos");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }
}

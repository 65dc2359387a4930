using System.Net;
using System.Text.Json.Nodes;
using static Hrana.Tests.HranaClient;

namespace Hrana.Tests;

/// <summary>A libSQL stream on a cold database while every open-database slot is busy: 503 OPEN_LIMIT_REACHED naming the settings.</summary>
public sealed class OpenLimitTests : IAsyncLifetime
{
    private readonly Testing.RedisFixture _redis = new();
    private HranaApp _app = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _app = new HranaApp(_redis.ConnectionString, new Dictionary<string, string?>
        {
            ["Tenancy:MaxOpenDatabases"] = "1",
            ["Tenancy:OpenSlotWait"] = "00:00:00.100",
        });
        await _app.CreateDatabaseAsync("open-busy");
        await _app.CreateDatabaseAsync("open-cold");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task AColdDatabaseIsRefusedWithOpenLimitReachedWhileAStreamHoldsTheOnlySlot()
    {
        var holder = new HranaClient(_app.Platform(), "open-busy", "v3");
        await holder.PipelineAsync(Execute("SELECT 1"));
        var cold = new HranaClient(_app.Platform(), "open-cold", "v3");

        using (var refused = await cold.SendAsync(Execute("SELECT 1"), Close()))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
            Assert.Equal("OPEN_LIMIT_REACHED", (string?)error["code"]);
            Assert.Contains("Tenancy__MaxOpenDatabases", (string?)error["message"], StringComparison.Ordinal);
        }

        await holder.PipelineAsync(Close());
        Ok((await cold.PipelineAsync(Execute("SELECT 1"), Close()))[0]);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tenancy.Databases;
using Testing;
using Xunit.Abstractions;
using static Hrana.Tests.HranaClient;

namespace Hrana.Tests;

/// <summary>
/// Disk a tenant can fill through the libSQL endpoint beside its size cap: a WAL that a read transaction keeps from being
/// checkpointed, and TEMP tables in deleted temporary files. A real tenantservice process, so its files and open descriptors are its own.
/// </summary>
public sealed class DiskLimitTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const long WalBound = 8L << 20;
    private const long TempCap = 8L << 20;
    // 1,000 rows of ~4 KB: one page each, so rewriting every row appends ~4 MB to the WAL.
    private const string Rows = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) SELECT randomblob(4000) FROM n";
    private const long TableBytes = 1000L * 4096;

    private IsolatedTenantService _isolated = null!;

    public async Task InitializeAsync()
    {
        _isolated = await IsolatedTenantService.StartAsync(new Dictionary<string, string>
        {
            ["Tenancy__MaxWalSizeBytes"] = WalBound.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Tenancy__MaxTempSizeBytes"] = TempCap.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Only the WAL bound may end the reader here, not the transaction time limit.
            ["HRANA_MAX_TRANSACTION_MS"] = "600000",
        });
    }

    public async Task DisposeAsync() => await _isolated.DisposeAsync();

    private TenantServiceProcess Service => _isolated.Process;

    [Fact]
    public async Task AReaderHoldingAnOldSnapshotCannotGrowTheWalPastItsBound()
    {
        await CreateAsync("wal-attack");
        await CreateAsync("wal-neighbour");
        var writer = Client("wal-attack");
        await writer.QueryAsync("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
        await writer.QueryAsync($"INSERT INTO t (v) {Rows}");
        var neighbour = Client("wal-neighbour");
        await neighbour.QueryAsync("CREATE TABLE log (v INTEGER)");

        var reader = Client("wal-attack");
        await reader.PipelineAsync(Execute("BEGIN"), Execute("SELECT count(*) FROM t"));
        var wal = new DatabaseLayout(_isolated.DataDirectory).DatabasePath(DatabaseName.Parse("wal-attack")) + "-wal";
        long largestWal = 0;
        JsonNode? readerError = null;
        const int Rewrites = 30;
        for (var i = 0; i < Rewrites; i++)
        {
            await writer.QueryAsync("UPDATE t SET v = randomblob(4000)");
            largestWal = Math.Max(largestWal, File.Exists(wal) ? new FileInfo(wal).Length : 0);
            await neighbour.QueryAsync("INSERT INTO log VALUES (1)");
            if (readerError is null)
            {
                // The reader keeps its stream alive, as the attack does, until it is told its transaction is gone.
                using var ping = await reader.SendAsync(Execute("SELECT 1"));
                var body = JsonNode.Parse(await ping.Content.ReadAsStringAsync())!;
                if (ping.StatusCode != HttpStatusCode.OK)
                {
                    readerError = body;
                }
                else
                {
                    reader.Baton = (string?)body["baton"];
                    readerError = (string?)body["results"]![0]!["type"] == "error" ? body["results"]![0]!["error"] : null;
                }
            }
        }

        output.WriteLine($"database {new FileInfo(wal[..^4]).Length} bytes; largest WAL {largestWal} bytes after {Rewrites} rewrites of {TableBytes} bytes; bound {WalBound}");
        Assert.True(largestWal <= WalBound + (2 * TableBytes), $"the WAL reached {largestWal} bytes; its bound is {WalBound}");
        Assert.NotNull(readerError);
        Assert.Equal("SQLITE_ABORT", (string?)readerError["code"]);
        Assert.Contains("Tenancy__MaxWalSizeBytes", (string?)readerError["message"], StringComparison.Ordinal);
        Assert.Equal((long)Rewrites, Scalar(await neighbour.QueryAsync("SELECT count(*) FROM log")));
    }

    [Fact]
    public async Task TempTablesStopAtTheirCapWithSqliteFullAndLeaveNoLargeTemporaryFile()
    {
        await CreateAsync("temp-attack");
        await CreateAsync("temp-neighbour");
        var neighbour = Client("temp-neighbour");
        await neighbour.QueryAsync("CREATE TABLE log (v INTEGER)");
        var attacker = Client("temp-attack");
        await attacker.PipelineAsync(Execute("CREATE TEMP TABLE junk (v BLOB)"));

        JsonObject? full = null;
        long largestTemp = 0;
        const int Inserts = 30;
        for (var i = 0; i < Inserts; i++)
        {
            var result = (await attacker.PipelineAsync(Execute($"INSERT INTO junk {Rows}")))[0]!;
            full ??= (string?)result["type"] == "error" ? result["error"]!.AsObject() : null;
            largestTemp = Math.Max(largestTemp, DeletedFileBytes(Service.ProcessId));
            await neighbour.QueryAsync("INSERT INTO log VALUES (1)");
        }

        output.WriteLine($"largest deleted temporary files {largestTemp} bytes after {Inserts} inserts of {TableBytes} bytes; cap {TempCap}");
        Assert.NotNull(full);
        Assert.Equal("SQLITE_FULL", (string?)full["code"]);
        Assert.Contains("Tenancy__MaxTempSizeBytes", (string?)full["message"], StringComparison.Ordinal);
        Assert.True(largestTemp <= TempCap + TableBytes, $"deleted temporary files held {largestTemp} bytes; the cap is {TempCap}");
        Assert.Equal((long)Inserts, Scalar(await neighbour.QueryAsync("SELECT count(*) FROM log")));
        await attacker.PipelineAsync(Close());
    }

    // SQLite unlinks its temporary files as it opens them: they live on only as the process's open descriptors.
    private static long DeletedFileBytes(int processId)
    {
        long total = 0;
        foreach (var descriptor in Directory.EnumerateFiles($"/proc/{processId}/fd"))
        {
            try
            {
                var target = File.ResolveLinkTarget(descriptor, returnFinalTarget: false)?.FullName ?? "";
                // SQLite names its temporary files etilqs_*.
                if (target.Contains("/etilqs_", StringComparison.Ordinal) && target.EndsWith(" (deleted)", StringComparison.Ordinal))
                {
                    // Opening the descriptor's link opens the unlinked file itself.
                    using var file = File.OpenHandle(descriptor);
                    total += RandomAccess.GetLength(file);
                }
            }
            catch (IOException)
            {
                // Closed while we looked.
            }
        }

        return total;
    }

    private HranaClient Client(string database) => new(Service.Client, database);

    private async Task CreateAsync(string name)
    {
        using var response = await Service.Client.PostAsJsonAsync("/v1/organizations/local/databases", new { name });
        Assert.True(response.IsSuccessStatusCode, $"creating {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}

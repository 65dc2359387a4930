using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tenancy.Databases;
using Testing;
using Xunit.Abstractions;

namespace TodoService.Tests;

/// <summary>
/// Restoring a database in place while its tenant writes and reads through the todo API (todoservice) and through open
/// libSQL streams (tenantservice, a real process): each reader sees the old data, then the restored data, never a mix
/// and never the old data again; a write lands in the old file only until the restore blocks it and in the restored
/// file after, so every write acknowledged by the restored file is kept and none is lost silently; refusals are the
/// write block's or the close's; after the restore every connection reads the restored file.
/// </summary>
public sealed class RestoreRaceTests(TodoServiceFixture fixture, ITestOutputHelper output) : IClassFixture<TodoServiceFixture>
{
    private const string PlatformToken = "restore-race-platform-token";
    // Markers with explicit ids far apart: rows written after them get ids just above the marker of the file they went to.
    private const long SnapshotMarker = 1_000_000;
    private const long OldMarker = 2_000_000;
    private const string Newest = "2999-01-01T00:00:00.000Z";

    private enum Phase
    {
        BeforeRestore,
        DuringRestore,
        AfterRestore,
    }

    private enum Seen
    {
        Old,
        Restored,
        Mix,
    }

    [Fact]
    public async Task ReadersSeeTheOldDataThenTheRestoredAndNoAcknowledgedWriteIsLostSilently()
    {
        await using var tenantService = await TenantServiceProcess.StartAsync(fixture.DataDirectory, fixture.Redis.ConnectionString, PlatformToken,
            new Dictionary<string, string> { ["BACKUP_INTERVAL"] = "23:00:00" });
        var userId = "user_" + Guid.NewGuid().ToString("N");
        var name = TenantId.FromClerkId(userId);
        var api = $"/v1/organizations/local/databases/{name.Value}";
        using (var created = await tenantService.Client.PostAsJsonAsync("/v1/organizations/local/databases", new { name = name.Value, schema = "todos-schema" }))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }

        await ExecuteOkAsync(tenantService.Client, name, $"INSERT INTO todos (id, description, created_at) VALUES ({SnapshotMarker}, 'in-snapshot', '{Newest}')");
        string timestamp;
        using (var taken = await tenantService.Client.PostAsync($"{api}/backups", null))
        {
            Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
            timestamp = (await taken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("backup").GetProperty("timestamp").GetString()!;
        }

        await ExecuteOkAsync(tenantService.Client, name, $"DELETE FROM todos WHERE id = {SnapshotMarker}");
        await ExecuteOkAsync(tenantService.Client, name, $"INSERT INTO todos (id, description, created_at) VALUES ({OldMarker}, 'before-restore', '{Newest}')");

        using var todos = fixture.Service.ClientFor(userId);
        var race = new Race();
        using var stop = new CancellationTokenSource();
        var tasks = new List<Task>
        {
            WriteThroughApiAsync(todos, race.Writer("api"), stop.Token),
            WriteThroughLibsqlAsync(tenantService.Client, name, race.Writer("libsql"), stop.Token),
            ReadThroughApiAsync(todos, race.Reader("api"), stop.Token),
            ReadThroughLibsqlAsync(tenantService.Client, name, race.Reader("libsql"), stop.Token),
        };
        await Eventually.TrueAsync(() => Task.FromResult(race.Done(Phase.BeforeRestore, writes: 20, reads: 5)), "every writer and reader got through on the old data",
            TimeSpan.FromSeconds(30));

        race.Now = Phase.DuringRestore;
        using (var restored = await tenantService.Client.PostAsJsonAsync($"{api}/restore", new { timestamp }))
        {
            Assert.True(restored.StatusCode == HttpStatusCode.OK, $"restore: {(int)restored.StatusCode} {await restored.Content.ReadAsStringAsync()}");
        }

        race.Now = Phase.AfterRestore;
        await Eventually.TrueAsync(() => Task.FromResult(race.Done(Phase.AfterRestore, writes: 20, reads: 5)), "every writer and reader got through on the restored data",
            TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await Task.WhenAll(tasks);

        output.WriteLine(race.Summary());
        output.WriteLine("refusals: " + string.Join("; ", race.Refusals().Select(refusal => $"{refusal.Count} x {refusal.Kind}")));
        var final = TodoFile.Rows(fixture.Users.Factory.Layout.DatabasePath(name));
        foreach (var (writer, writes) in race.Writes)
        {
            var inOrder = writes.OrderBy(write => write.Sequence).ToList();
            Assert.All(inOrder.Where(write => write.Acknowledged && write.Sent == Phase.BeforeRestore), write =>
                Assert.True(InOldFile(write.Id), $"{writer}: {write.Description} was written before the restore began but not to the old file (id {write.Id})"));
            Assert.All(inOrder.Where(write => write.Acknowledged && write.Sent == Phase.AfterRestore), write =>
                Assert.True(InRestoredFile(write.Id), $"{writer}: {write.Description} was written after the restore answered but not to the restored file (id {write.Id})"));
            var firstRestored = inOrder.FindIndex(write => write.Acknowledged && InRestoredFile(write.Id));
            Assert.True(firstRestored >= 0, $"{writer} never wrote to the restored file");
            Assert.DoesNotContain(inOrder.Skip(firstRestored), write => write.Acknowledged && InOldFile(write.Id));
            Assert.All(inOrder.Where(write => write.Acknowledged && InRestoredFile(write.Id)), write =>
                Assert.True(final.TryGetValue(write.Id, out var description) && description == write.Description,
                    $"{writer}: {write.Description} was acknowledged by the restored file (id {write.Id}) but is not in it"));
            Assert.All(inOrder.Where(write => !write.Acknowledged), write =>
            {
                Assert.True(IsBlockOrClose(write.Refusal!), $"{writer}: {write.Description} was refused with something other than the write block or the close: {write.Refusal}");
                Assert.DoesNotContain(write.Description, final.Values);
            });
        }

        // The restored file holds the snapshot and the writes acknowledged by it, nothing of the old file.
        var expected = race.Writes.Values.SelectMany(writes => writes).Where(write => write.Acknowledged && InRestoredFile(write.Id)).Select(write => write.Id).Append(SnapshotMarker);
        Assert.Equal(expected.Order(), final.Keys.Order());

        foreach (var (reader, reads) in race.Reads)
        {
            var inOrder = reads.OrderBy(read => read.Sequence).ToList();
            Assert.DoesNotContain(inOrder, read => read.Seen == Seen.Mix);
            var firstRestored = inOrder.FindIndex(read => read.Seen == Seen.Restored);
            Assert.True(firstRestored >= 0, $"{reader} never saw the restored data");
            Assert.DoesNotContain(inOrder.Skip(firstRestored), read => read.Seen == Seen.Old);
            Assert.All(inOrder.Where(read => read.Sent == Phase.AfterRestore && read.Seen is { } seen), read => Assert.Equal(Seen.Restored, read.Seen));
            Assert.All(inOrder.Where(read => read.Seen is null), read =>
                Assert.True(IsBlockOrClose(read.Refusal!), $"{reader}: a read was refused with something other than the close: {read.Refusal}"));
        }
    }

    private static bool InOldFile(long id) => id > OldMarker;

    private static bool InRestoredFile(long id) => id > SnapshotMarker && id < OldMarker;

    // The write block (todo API 503 "paused", libSQL SQLITE_BUSY), the close (todo API 503 "not readable", libSQL 503
    // DATABASE_UNAVAILABLE) and a stream whose connection the restore took back (libSQL 409 SQLITE_ABORT): nothing acknowledged is lost by any.
    private static bool IsBlockOrClose(string refusal) =>
        refusal.StartsWith("503 ", StringComparison.Ordinal) && (refusal.Contains("paused", StringComparison.Ordinal) || refusal.Contains("not readable", StringComparison.Ordinal))
        || refusal.StartsWith("200 SQLITE_BUSY ", StringComparison.Ordinal)
        || refusal.StartsWith("503 DATABASE_UNAVAILABLE ", StringComparison.Ordinal)
        || refusal.StartsWith("409 SQLITE_ABORT ", StringComparison.Ordinal) && refusal.Contains("replaced", StringComparison.Ordinal);

    private static async Task WriteThroughApiAsync(HttpClient client, Race.Log log, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var description = $"api-{i}";
            var sent = log.Phase;
            using var response = await client.PostAsJsonAsync("/api/todos", new { description }, CancellationToken.None);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var todo = await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None);
                log.Acknowledged(i, description, sent, todo.GetProperty("id").GetInt64());
            }
            else
            {
                log.Refused(i, description, sent, await ProblemAsync(response));
            }
        }
    }

    // One libSQL stream kept across pipelines, one autocommit insert per pipeline; a new stream when the old one is refused.
    private static async Task WriteThroughLibsqlAsync(HttpClient client, DatabaseName name, Race.Log log, CancellationToken stop)
    {
        string? baton = null;
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var description = $"libsql-{i}";
            var sent = log.Phase;
            var (result, refusal, next) = await ExecuteAsync(client, name, baton, "INSERT INTO todos (description) VALUES (?)", description);
            baton = next;
            if (result is { } ok)
            {
                log.Acknowledged(i, description, sent, long.Parse(ok.GetProperty("last_insert_rowid").GetString()!, CultureInfo.InvariantCulture));
            }
            else
            {
                log.Refused(i, description, sent, refusal!);
            }
        }
    }

    // The newest todos: the marker of whichever file is read, and never the other one.
    private static async Task ReadThroughApiAsync(HttpClient client, Race.Log log, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var sent = log.Phase;
            using var response = await client.GetAsync("/api/todos?limit=2", CancellationToken.None);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var page = await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None);
                log.Read(i, sent, SeenIn(page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetInt64())));
            }
            else
            {
                log.Refused(i, $"read {i}", sent, await ProblemAsync(response));
            }

            await Task.Delay(5, CancellationToken.None);
        }
    }

    private static async Task ReadThroughLibsqlAsync(HttpClient client, DatabaseName name, Race.Log log, CancellationToken stop)
    {
        string? baton = null;
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var sent = log.Phase;
            var (result, refusal, next) = await ExecuteAsync(client, name, baton, $"SELECT id FROM todos WHERE id IN ({SnapshotMarker}, {OldMarker})");
            baton = next;
            if (result is { } ok)
            {
                log.Read(i, sent, SeenIn(ok.GetProperty("rows").EnumerateArray().Select(row => long.Parse(row[0].GetProperty("value").GetString()!, CultureInfo.InvariantCulture))));
            }
            else
            {
                log.Refused(i, $"read {i}", sent, refusal!);
            }

            await Task.Delay(5, CancellationToken.None);
        }
    }

    // "status detail" of a problem answer, or the status and whatever body came.
    private static async Task<string> ProblemAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
        try
        {
            using var problem = JsonDocument.Parse(text);
            return $"{(int)response.StatusCode} {(problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : text)}";
        }
        catch (JsonException)
        {
            return $"{(int)response.StatusCode} {text}";
        }
    }

    private static Seen SeenIn(IEnumerable<long> ids)
    {
        var markers = ids.Where(id => id is SnapshotMarker or OldMarker).ToList();
        return markers switch
        {
            [SnapshotMarker] => Seen.Restored,
            [OldMarker] => Seen.Old,
            _ => Seen.Mix,
        };
    }

    private static async Task ExecuteOkAsync(HttpClient client, DatabaseName name, string sql)
    {
        var (result, refusal, _) = await ExecuteAsync(client, name, baton: null, sql);
        Assert.True(result is not null, $"{sql}: {refusal}");
    }

    // One statement on the stream the baton names (a new one without); the result, or the refusal as "status code message".
    private static async Task<(JsonElement? Result, string? Refusal, string? Baton)> ExecuteAsync(HttpClient client, DatabaseName name, string? baton, string sql, params string[] args)
    {
        using var response = await client.PostAsJsonAsync($"/db/{name.Value}/v3/pipeline", new
        {
            baton,
            requests = new object[] { new { type = "execute", stmt = new { sql, args = args.Select(value => new { type = "text", value }) } } },
        }, CancellationToken.None);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
            try
            {
                using var error = JsonDocument.Parse(text);
                return (null, $"{(int)response.StatusCode} {error.RootElement.GetProperty("code").GetString()} {error.RootElement.GetProperty("message").GetString()}", null);
            }
            catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                return (null, $"{(int)response.StatusCode} {text}", null);
            }
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None);

        var result = body.GetProperty("results")[0];
        var next = body.GetProperty("baton").GetString();
        return result.GetProperty("type").GetString() == "ok"
            ? (result.GetProperty("response").GetProperty("result"), null, next)
            : (null, $"200 {result.GetProperty("error").GetProperty("code").GetString()} {result.GetProperty("error").GetProperty("message").GetString()}", next);
    }

    /// <summary>What each writer and reader was told, with the phase of the restore when it asked.</summary>
    private sealed class Race
    {
        private int _phase;

        /// <summary>Where the restore is now: set by the test, read by every writer and reader as it sends.</summary>
        public Phase Now
        {
            get => (Phase)Volatile.Read(ref _phase);
            set => Volatile.Write(ref _phase, (int)value);
        }

        public ConcurrentDictionary<string, ConcurrentBag<Write>> Writes { get; } = new();

        public ConcurrentDictionary<string, ConcurrentBag<ReadResult>> Reads { get; } = new();

        public Log Writer(string name) => new(this, Writes.GetOrAdd(name, _ => []), null);

        public Log Reader(string name) => new(this, null, Reads.GetOrAdd(name, _ => []));

        public bool Done(Phase sent, int writes, int reads) =>
            Writes.Values.All(log => log.Count(write => write.Acknowledged && write.Sent == sent) >= writes)
            && Reads.Values.All(log => log.Count(read => read.Seen is not null && read.Sent == sent) >= reads);

        public IEnumerable<(string Kind, int Count)> Refusals() =>
            Writes.SelectMany(writer => writer.Value.Select(write => write.Refusal)).Concat(Reads.SelectMany(reader => reader.Value.Select(read => read.Refusal)))
                .OfType<string>().GroupBy(refusal => refusal[..Math.Min(70, refusal.Length)]).Select(kind => (kind.Key, kind.Count()));

        public string Summary() => string.Join("; ", Writes.Select(writer =>
                $"{writer.Key} writes: {string.Join(", ", Enum.GetValues<Phase>().Select(p => $"{p} {writer.Value.Count(w => w.Sent == p && w.Acknowledged)} acknowledged / {writer.Value.Count(w => w.Sent == p && !w.Acknowledged)} refused"))}")
            .Concat(Reads.Select(reader =>
                $"{reader.Key} reads: {string.Join(", ", Enum.GetValues<Phase>().Select(p => $"{p} {reader.Value.Count(r => r.Sent == p && r.Seen is not null)} read / {reader.Value.Count(r => r.Sent == p && r.Seen is null)} refused"))}")));

        public sealed class Log(Race race, ConcurrentBag<Write>? writes, ConcurrentBag<ReadResult>? reads)
        {
            public Phase Phase => race.Now;

            public void Acknowledged(int sequence, string description, Phase sent, long id) => writes!.Add(new Write(sequence, description, sent, id, null));

            public void Refused(int sequence, string description, Phase sent, string refusal)
            {
                if (writes is not null)
                {
                    writes.Add(new Write(sequence, description, sent, 0, refusal));
                }
                else
                {
                    reads!.Add(new ReadResult(sequence, sent, null, refusal));
                }
            }

            public void Read(int sequence, Phase sent, Seen seen) => reads!.Add(new ReadResult(sequence, sent, seen, null));
        }
    }

    private sealed record Write(int Sequence, string Description, Phase Sent, long Id, string? Refusal)
    {
        public bool Acknowledged => Refusal is null;
    }

    private sealed record ReadResult(int Sequence, Phase Sent, Seen? Seen, string? Refusal);
}

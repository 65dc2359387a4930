using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Testing;

namespace Migrations.Tests;

[Collection(MigrationsCollection.Name)]
public sealed class TelemetryTests(RedisFixture redis) : MigrationFixture(redis)
{
    [Fact]
    public async Task EveryJobAndTaskHasASpanAndTheirTimesAreMeasured()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "TenantPlatform.Migrations",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var measured = new ConcurrentDictionary<string, int>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listening) =>
            {
                if (instrument.Meter.Name == "TenantPlatform.Migrations")
                {
                    listening.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<double>((instrument, _, _, _) => measured.AddOrUpdate(instrument.Name, 1, (_, count) => count + 1));
        meters.Start();

        await CreateSchemaWithChildrenAsync("otel-schema", "CREATE TABLE t (x);", "otel-a", "otel-b");
        var job = await Api.MigrateAndWaitAsync("otel-schema", "ALTER TABLE t ADD COLUMN y;");

        var id = (long)job["job_id"]!;
        var jobSpan = Assert.Single(spans, span => span.OperationName == "migration job" && Equals(span.GetTagItem("migration.job_id"), id));
        Assert.Equal("otel-schema", jobSpan.GetTagItem("db.name"));
        Assert.Equal("RunSuccess", jobSpan.GetTagItem("migration.outcome"));
        var taskSpans = spans.Where(span => span.OperationName == "migration task" && Equals(span.GetTagItem("migration.job_id"), id)).ToList();
        foreach (var database in new[] { "otel-a", "otel-b", "otel-schema" })
        {
            foreach (var phase in new[] { "dry_run", "run" })
            {
                var span = Assert.Single(taskSpans, span => Equals(span.GetTagItem("db.name"), database) && Equals(span.GetTagItem("migration.phase"), phase));
                Assert.Equal("Applied", span.GetTagItem("migration.outcome"));
                Assert.Equal(jobSpan.TraceId, span.TraceId);
            }
        }

        Assert.True(measured.GetValueOrDefault("migrations.task.duration") >= 6);
        Assert.True(measured.GetValueOrDefault("migrations.write_blocked.duration") >= 2);
    }
}

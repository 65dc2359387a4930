using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TenantService.Migrations;

/// <summary>Spans and metrics of migrations, under the platform's <c>TenantPlatform.*</c> names the service defaults collect.</summary>
internal static class MigrationTelemetry
{
    public const string Name = "TenantPlatform.Migrations";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Histogram<double> TaskDuration = Meter.CreateHistogram<double>(
        "migrations.task.duration", "ms", "Time to dry-run or apply a migration on one database.");

    public static readonly Histogram<double> WriteBlockedTime = Meter.CreateHistogram<double>(
        "migrations.write_blocked.duration", "ms", "How long a database's writes were blocked by a migration.");

    public static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>(
        "migrations.step.duration", "ms", "Time of one step of a rolling child's run: open, block, apply, release, record, blocked.");
}

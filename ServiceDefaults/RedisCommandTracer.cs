using System.Diagnostics;
using System.Runtime.CompilerServices;
using OpenTelemetry;
using StackExchange.Redis.Profiling;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Turns StackExchange.Redis command profiles into client spans: commands issued under a recorded
/// activity are collected in a profiling session and emitted as its children when it ends.
/// </summary>
internal sealed class RedisCommandTracer : BaseProcessor<Activity>
{
    public const string SourceName = "StackExchange.Redis";

    private static readonly ActivitySource Source = new(SourceName);
    private readonly ConditionalWeakTable<Activity, ProfilingSession> _sessions = [];

    public ProfilingSession? CurrentSession()
    {
        var activity = Activity.Current;
        if (activity is null || !activity.Recorded || !Source.HasListeners())
        {
            return null;
        }

        return _sessions.GetValue(activity, static _ => new ProfilingSession());
    }

    public override void OnEnd(Activity activity)
    {
        if (!_sessions.TryGetValue(activity, out var session))
        {
            return;
        }

        _sessions.Remove(activity);
        foreach (var command in session.FinishProfiling())
        {
            var start = new DateTimeOffset(DateTime.SpecifyKind(command.CommandCreated, DateTimeKind.Utc));
            using var span = Source.StartActivity(command.Command, ActivityKind.Client, activity.Context, startTime: start);
            if (span is null)
            {
                continue;
            }

            span.SetTag("db.system", "redis");
            span.SetTag("db.operation.name", command.Command);
            span.SetTag("db.namespace", command.Db.ToString(System.Globalization.CultureInfo.InvariantCulture));
            span.SetTag("server.address", command.EndPoint.ToString());
            span.SetEndTime((start + command.ElapsedTime).UtcDateTime);
        }
    }
}

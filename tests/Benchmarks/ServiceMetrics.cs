using System.Globalization;
using Benchmarks.Otlp;

namespace Benchmarks;

/// <summary>
/// The service's own OpenTelemetry metrics, above all the tenant connection cache's counters (<c>tenancy.connection_cache.*</c>):
/// todoservice exports them every second over OTLP/HTTP to a receiver hosted here. Reading the real counters beats
/// inferring hits from Redis traffic and needs no diagnostics endpoint in the product. The service also exports its
/// traces (sampled as always, <c>TRACES_PER_SECOND</c>; <c>OTEL_TRACES_SAMPLER</c> does not override that) and its logs
/// (nothing per request at its appsettings.json levels); the receiver refuses both.
/// </summary>
internal sealed class ServiceMetrics(OtlpMetricsReceiver receiver) : IAsyncDisposable
{
    public const string ServiceName = "todoservice";

    private const string CachePrefix = "tenancy.connection_cache.";

    private static readonly TimeSpan ExportInterval = TimeSpan.FromSeconds(1);

    /// <summary>The OTLP settings for the service, named as Aspire names them.</summary>
    public IReadOnlyDictionary<string, string> ServiceSettings => new Dictionary<string, string>
    {
        ["OTEL_SERVICE_NAME"] = ServiceName,
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = ExportInterval.TotalMilliseconds.ToString(CultureInfo.InvariantCulture),
    };

    public static async Task<ServiceMetrics> StartAsync() => new(await OtlpMetricsReceiver.StartAsync());

    /// <summary>
    /// The counters as of an export received more than one interval after <paramref name="quietSince"/>: with no load
    /// since then, that export was collected after the last request and counts all of them.
    /// </summary>
    public async Task<CacheCounters> ReadCacheAfterAsync(DateTimeOffset quietSince)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (receiver.Metrics.Find(ServiceName, CachePrefix + "hits") is { } hits && hits.Received > quietSince + ExportInterval)
            {
                // A counter never incremented (no evictions yet) is not exported at all: it reads as zero.
                double Value(string name) => receiver.Metrics.Find(ServiceName, CachePrefix + name)?.Value ?? 0;
                return new CacheCounters(hits.Value, Value("misses"), Value("evictions"), Value("open_databases"));
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{ServiceName} exported no {CachePrefix}hits within 30 s; is OTLP export reaching {receiver.Endpoint}?");
    }

    /// <summary>Forgets the metrics of services stopped before now (a baseline build), whose series would otherwise be summed in.</summary>
    public void ForgetEarlierServices() => receiver.Metrics.Clear();

    /// <summary>
    /// The latest exported value of <paramref name="instrument"/> (summed over its series, or those with an attribute value containing
    /// <paramref name="attribute"/>), or NaN if it was never exported.
    /// </summary>
    public double Latest(string instrument, string? attribute = null) => receiver.Metrics.Find(ServiceName, instrument, attribute)?.Value ?? double.NaN;

    public ValueTask DisposeAsync() => receiver.DisposeAsync();
}

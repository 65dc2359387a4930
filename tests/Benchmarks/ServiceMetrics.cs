using System.Globalization;
using System.Security.Cryptography;
using AppHost.Telemetry;

namespace Benchmarks;

/// <summary>
/// The service's own OpenTelemetry metrics, above all the tenant connection cache's counters (<c>tenancy.connection_cache.*</c>):
/// todoservice exports them every second over OTLP/HTTP to the dashboard's receiver, hosted here. Reading the real
/// counters beats inferring hits from Redis traffic and needs no diagnostics endpoint in the product. Only metrics
/// leave the service: traces are not sampled and logs stay at their production level (nothing per request).
/// </summary>
internal sealed class ServiceMetrics(OtlpReceiver receiver, TelemetryStores stores, string apiKey) : IAsyncDisposable
{
    public const string ServiceName = "todoservice";

    private static readonly TimeSpan ExportInterval = TimeSpan.FromSeconds(1);

    /// <summary>The OTLP settings for the service, named as the AppHost names them.</summary>
    public IReadOnlyDictionary<string, string> ServiceSettings => new Dictionary<string, string>
    {
        ["OTEL_SERVICE_NAME"] = ServiceName,
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.HttpEndpoint.ToString(),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-otlp-api-key={apiKey}",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = ExportInterval.TotalMilliseconds.ToString(CultureInfo.InvariantCulture),
        ["OTEL_TRACES_SAMPLER"] = "always_off",
    };

    public static async Task<ServiceMetrics> StartAsync()
    {
        var apiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var stores = new TelemetryStores(TimeProvider.System);
        var receiver = await OtlpReceiver.StartAsync(new OtlpReceiverOptions { ApiKey = apiKey }, stores, CancellationToken.None);
        return new ServiceMetrics(receiver, stores, apiKey);
    }

    /// <summary>
    /// The counters as of an export received more than one interval after <paramref name="quietSince"/>: with no load
    /// since then, that export was collected after the last request and counts all of them.
    /// </summary>
    public async Task<CacheCounters> ReadCacheAfterAsync(DateTimeOffset quietSince)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var instruments = stores.Metrics.Query(ServiceName).Where(view => view.Name.StartsWith("tenancy.connection_cache.", StringComparison.Ordinal)).ToArray();
            if (instruments.FirstOrDefault(view => view.Name == "tenancy.connection_cache.hits") is { } hits && hits.Updated > quietSince + ExportInterval)
            {
                // A counter never incremented (no evictions yet) is not exported at all: it reads as zero.
                double Value(string name) => instruments.FirstOrDefault(view => view.Name == "tenancy.connection_cache." + name)?.Value ?? 0;
                return new CacheCounters(Value("hits"), Value("misses"), Value("evictions"), Value("open_databases"));
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{ServiceName} exported no tenancy.connection_cache.hits within 30 s; is OTLP export reaching {receiver.HttpEndpoint}?");
    }

    /// <summary>The latest exported value of <paramref name="instrument"/> (summed over its series), or NaN if it was never exported.</summary>
    public double Latest(string instrument) =>
        stores.Metrics.Query(ServiceName).FirstOrDefault(view => view.Name == instrument)?.Value ?? double.NaN;

    public ValueTask DisposeAsync() => receiver.DisposeAsync();
}

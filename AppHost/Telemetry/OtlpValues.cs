using System.Globalization;
using AppHost.Telemetry.Otlp.Common;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace AppHost.Telemetry;

/// Turns OTLP's typed values, ids and timestamps into the text and times the stores keep.
internal static class OtlpValues
{
    public const string ServiceNameKey = "service.name";
    public const string ServiceInstanceKey = "service.instance.id";

    public static IReadOnlyList<TelemetryAttribute> Attributes(RepeatedField<KeyValue> attributes) =>
        attributes.Count == 0 ? [] : attributes.Select(attribute => new TelemetryAttribute(attribute.Key, Text(attribute.Value))).ToArray();

    public static string Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString("R", CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.ArrayValue => "[" + string.Join(", ", value.ArrayValue.Values.Select(Text)) + "]",
        AnyValue.ValueOneofCase.KvlistValue => "{" + string.Join(", ", value.KvlistValue.Values.Select(pair => $"{pair.Key}: {Text(pair.Value)}")) + "}",
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToBase64(),
        _ => "",
    };

    /// Trace and span ids as the lowercase hex W3C traceparent uses; empty when absent.
    public static string Id(ByteString id) => id.IsEmpty ? "" : Convert.ToHexStringLower(id.Span);

    public static DateTimeOffset Time(ulong unixNanos) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)Math.Min(unixNanos / 100, (ulong)(DateTimeOffset.MaxValue - DateTimeOffset.UnixEpoch).Ticks));

    /// The service and instance a batch came from, from its resource's standard attributes.
    public static TelemetrySource Source(Otlp.Resource.Resource? resource)
    {
        string? service = null;
        string? instance = null;
        foreach (var attribute in resource?.Attributes ?? [])
        {
            switch (attribute.Key)
            {
                case ServiceNameKey:
                    service = Text(attribute.Value);
                    break;
                case ServiceInstanceKey:
                    instance = Text(attribute.Value);
                    break;
            }
        }

        return new TelemetrySource(service is { Length: > 0 } ? service : "unknown_service", instance ?? "");
    }
}

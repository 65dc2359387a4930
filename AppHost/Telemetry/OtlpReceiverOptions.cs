namespace AppHost.Telemetry;

/// Where the OTLP receiver listens (0: a free port) and the key every caller must send.
internal sealed record OtlpReceiverOptions
{
    public int GrpcPort { get; init; }

    public int HttpPort { get; init; }

    public required string ApiKey { get; init; }
}

using AppHost.Telemetry;

namespace Dashboard.Tests;

/// An OTLP receiver on free ports with its own stores, as the AppHost starts it.
public sealed class OtlpReceiverFixture : IAsyncLifetime
{
    public const string ApiKey = "test-api-key";

    private OtlpReceiver? _receiver;

    internal TelemetryStores Stores { get; } = new(TimeProvider.System);

    internal OtlpReceiver Receiver => _receiver ?? throw new InvalidOperationException("The receiver has not started.");

    public async Task InitializeAsync() =>
        _receiver = await OtlpReceiver.StartAsync(new OtlpReceiverOptions { GrpcPort = 0, HttpPort = 0, ApiKey = ApiKey }, Stores, CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
    }
}

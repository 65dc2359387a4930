using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.TestSupport;

/// <summary>
/// The date of a <see cref="FakeTimeProvider"/> with the system's timestamps and timers: a gateway on the fake's own
/// timers would never end the HTTP client's retry delays, which Polly waits out on the host's clock.
/// </summary>
internal sealed class FakeWallClock(FakeTimeProvider date) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => date.GetUtcNow();
}

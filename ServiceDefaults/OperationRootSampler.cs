using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Decides for spans that would start a trace: a client span with no parent (a Redis command or an HTTP
/// call made by a background loop, such as a periodic probe) is dropped, so it does not fill the trace list
/// with traces of one span; every other root goes to the inner sampler.
/// </summary>
internal sealed class OperationRootSampler : Sampler
{
    private readonly Sampler operations;

    public OperationRootSampler(Sampler operations)
    {
        this.operations = operations;
        Description = $"OperationRootSampler{{{operations.Description}}}";
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind == ActivityKind.Client
            ? new SamplingResult(SamplingDecision.Drop)
            : operations.ShouldSample(samplingParameters);
}

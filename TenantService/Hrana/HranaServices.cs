using Tenancy.Identity;

namespace TenantService.Hrana;

/// <summary>What the libSQL endpoint's handlers need.</summary>
internal sealed record HranaServices(
    StreamRegistry Streams,
    PipelineRunner Runner,
    HranaOptions Options,
    InFlightResponses Responses,
    IDatabaseGroups Groups,
    ILogger<PipelineRunner> Logger);

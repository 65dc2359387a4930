using Tenancy.Identity;
using TenantService.Catalog;

namespace TenantService.Hrana;

/// <summary>What the libSQL endpoint's handlers need.</summary>
internal sealed record HranaServices(
    StreamRegistry Streams,
    PipelineRunner Runner,
    HranaOptions Options,
    InFlightResponses Responses,
    IDatabaseGroups Groups,
    DatabaseCatalog Catalog,
    ILogger<PipelineRunner> Logger);

using TenantService.Databases;

namespace TenantService.Hrana;

/// <summary>What the libSQL endpoint's handlers need.</summary>
internal sealed record HranaServices(
    DatabaseCatalog Catalog,
    StreamRegistry Streams,
    PipelineRunner Runner,
    HranaOptions Options,
    ILogger<PipelineRunner> Logger);

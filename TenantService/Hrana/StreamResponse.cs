namespace TenantService.Hrana;

/// <summary>The answer to one stream request: the request's type and whichever result that type carries.</summary>
internal sealed record StreamResponse(
    string Type,
    StmtResult? Result = null,
    BatchResult? Batch = null,
    DescribeResult? Describe = null,
    bool? IsAutocommit = null);

/// <summary>One entry of a pipeline's <c>results</c>: a response, or the error of a request that failed.</summary>
internal readonly record struct StreamOutcome(StreamResponse? Response, HranaError? Error);

namespace TenantService.Hrana;

/// <summary>One request of a pipeline; its <c>type</c> names the variant.</summary>
internal abstract record StreamRequest(string Type);

internal sealed record CloseRequest() : StreamRequest("close");

internal sealed record ExecuteRequest(HranaStatement Statement) : StreamRequest("execute");

internal sealed record BatchRequest(IReadOnlyList<BatchStep> Steps) : StreamRequest("batch");

internal sealed record SequenceRequest(string? Sql, int? SqlId) : StreamRequest("sequence");

internal sealed record DescribeRequest(string? Sql, int? SqlId) : StreamRequest("describe");

internal sealed record StoreSqlRequest(int SqlId, string Sql) : StreamRequest("store_sql");

internal sealed record CloseSqlRequest(int SqlId) : StreamRequest("close_sql");

internal sealed record GetAutocommitRequest() : StreamRequest("get_autocommit");

/// <summary>A step of a batch: a statement and the condition under which it runs.</summary>
internal sealed record BatchStep(BatchCondition? Condition, HranaStatement Statement);

/// <summary>A parsed pipeline body: the stream's baton (null opens a new stream) and its requests.</summary>
internal sealed record PipelineBody(string? Baton, IReadOnlyList<StreamRequest> Requests);

/// <summary>A parsed cursor body (<c>v3/cursor</c>): the stream's baton and one batch.</summary>
internal sealed record CursorBody(string? Baton, BatchRequest Batch);

namespace Benchmarks;

/// <summary>A load phase: lists and creates, and how long it ran.</summary>
internal sealed record LoadResult(OperationTimes List, OperationTimes Create, TimeSpan Elapsed);
